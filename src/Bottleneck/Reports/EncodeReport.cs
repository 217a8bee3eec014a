using System.Globalization;
using Bottleneck.Tensors;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// An encode run's directory: codes.csv (one row per sample: <c>z0</c>…<c>z{d-1}</c>, and <c>label</c> when the data has
/// labels; what <c>bottleneck embed --points</c> reads), errors.csv (each sample's reconstruction MSE), codes.svg (each code
/// unit's mean ± std over the samples) and results.json (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class EncodeReport() : ReportKind<EncodeReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of an encode run carries.</summary>
    public const string SchemaName = "bottleneck/encode/v1";

    /// <summary>results.json of an encode run.</summary>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Settings">What was encoded.</param>
    /// <param name="Samples">Samples encoded.</param>
    /// <param name="CodeSize">The width of the code.</param>
    /// <param name="Parameters">The model's trainable parameters.</param>
    /// <param name="MeanReconstructionMse">The mean of the samples' reconstruction MSE.</param>
    /// <param name="Units">Each code unit's statistics over the samples.</param>
    /// <param name="Seconds">Wall time of the run.</param>
    public sealed record Results(string Schema, Provenance Provenance, Settings Settings, int Samples, int CodeSize, long Parameters,
                                 double MeanReconstructionMse, IReadOnlyList<Unit> Units, double Seconds);

    /// <summary>What was encoded, as results.json records it.</summary>
    /// <param name="Checkpoint">The model.</param>
    /// <param name="Dataset">The dataset whose test images were encoded; null for points from a file.</param>
    /// <param name="Points">The CSV file of inputs encoded; null for a dataset.</param>
    /// <param name="SplitSeed">The seed of the train/test split the test images come from; null for points.</param>
    public sealed record Settings(string Checkpoint, string? Dataset, string? Points, uint? SplitSeed);

    /// <summary>One code unit over the samples.</summary>
    /// <param name="Index">Its position in the code, from 0 (column <c>z{Index}</c>).</param>
    /// <param name="Mean">Its mean.</param>
    /// <param name="Std">Its standard deviation.</param>
    /// <param name="Min">Its smallest value.</param>
    /// <param name="Max">Its largest value.</param>
    public sealed record Unit(int Index, double Mean, double Std, double Min, double Max);

    internal static Results Write(RunDirectory dir, Settings settings, Tensor codes, int[]? labels, double[] errors, long parameters, double seconds,
                                  Provenance provenance)
    {
        dir.WriteText("codes.csv", CodesCsv(codes, labels));
        dir.WriteText("errors.csv", ErrorsCsv(errors, labels));
        var units = Enumerable.Range(0, codes.RowSize).Select(j =>
        {
            var column = Enumerable.Range(0, codes.Rows).Select(i => (double)codes.Data[i * codes.RowSize + j]).ToArray();
            double mean = column.Average();
            return new Unit(j, mean, Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / column.Length), column.Min(), column.Max());
        }).ToList();
        dir.WriteText("codes.svg", LineChart.Render("Code units over the samples", "code unit", "value (mean ± std)",
            [new Series("mean ± std", [.. units.Select(u => (double)u.Index)], [.. units.Select(u => u.Mean)], Error: [.. units.Select(u => u.Std)])]));
        var results = new Results(SchemaName, provenance, settings, codes.Rows, codes.RowSize, parameters, errors.Average(), units, seconds);
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal override IReadOnlyList<string> Figures { get; } = ["codes.svg"];

    internal override string Title(Results r) => "Codes of a model";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.Headline($"{ReportPage.Count(r.Samples)} codes of {ReportPage.Invariant(r.CodeSize)} values; mean reconstruction MSE {ReportPage.Number(r.MeanReconstructionMse, 4)}");
        page.KeyValues(
        [
            ("checkpoint", r.Settings.Checkpoint),
            ("dataset", r.Settings.Dataset is { } d ? $"{d}, the first {ReportPage.Count(r.Samples)} test images" : null),
            ("points", r.Settings.Points),
            ("model", $"{ReportPage.Count(r.Parameters)} parameters, code size {ReportPage.Invariant(r.CodeSize)}"),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
        ]);
        page.Heading("h3", "Code units");
        page.Table(["unit", "mean", "std", "min", "max"],
                   [.. r.Units.Select(u => new[] { $"z{ReportPage.Invariant(u.Index)}", N(u.Mean), N(u.Std), N(u.Min), N(u.Max) })], numeric: [1, 2, 3, 4]);
    }

    internal override void Digest(ReportPage page, Results r, string directory) => page.KeyValues(
    [
        ("samples", ReportPage.Count(r.Samples)),
        ("code size", ReportPage.Invariant(r.CodeSize)),
        ("mean reconstruction MSE", ReportPage.Number(r.MeanReconstructionMse, 4)),
    ]);

    private static string N(double v) => ReportPage.Number(v, 4) ?? "";

    private static string CodesCsv(Tensor codes, int[]? labels)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        for (int j = 0; j < codes.RowSize; j++) csv.WriteField($"z{j}");
        if (labels is not null) csv.WriteField("label");
        csv.NextRecord();
        for (int i = 0; i < codes.Rows; i++)
        {
            foreach (float z in codes.Row(i)) csv.WriteField(z.ToString("R", CultureInfo.InvariantCulture));
            if (labels is not null) csv.WriteField(labels[i]);
            csv.NextRecord();
        }
        return text.ToString();
    }

    private static string ErrorsCsv(double[] errors, int[]? labels)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        csv.WriteField("sample");
        if (labels is not null) csv.WriteField("label");
        csv.WriteField("reconstruction_mse");
        csv.NextRecord();
        for (int i = 0; i < errors.Length; i++)
        {
            csv.WriteField(i);
            if (labels is not null) csv.WriteField(labels[i]);
            csv.WriteField(errors[i].ToString("R", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
        return text.ToString();
    }
}
