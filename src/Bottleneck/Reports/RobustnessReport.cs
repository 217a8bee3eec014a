using System.Globalization;
using System.Text.Json.Serialization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// A robustness run's directory: robustness.csv, noise.svg and occlusion.svg (reconstruction MSE against the level,
/// with the corrupted input's MSE as the baseline), noise-examples.png and occlusion-examples.png (per example image:
/// clean, corrupted and reconstructed rows; one column per level; single-channel images only) and results.json
/// (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class RobustnessReport() : ReportKind<RobustnessReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of a robustness run carries.</summary>
    public const string SchemaName = "bottleneck/robustness/v1";
    internal static readonly string[] CsvHeader = ["corruption", "level", "mse_mean", "mse_std", "input_mse_mean"];

    /// <summary>results.json of a robustness run.</summary>
    public sealed record Results(string Schema, Provenance Provenance, Settings Settings, ModelInfo Model, IReadOnlyList<Row> Rows)
    {
        /// <summary>Every model compared, the first being <see cref="Model"/>; absent when one model was studied.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ComparedModel>? Models { get; init; }
    }

    /// <summary>One of the models compared on the same corrupted images.</summary>
    /// <param name="Label">Its name on the charts and in the rows.</param>
    /// <param name="Checkpoint">Its model file.</param>
    /// <param name="Parameters">Its trainable parameters.</param>
    /// <param name="CodeSize">The width of its code.</param>
    public sealed record ComparedModel(string Label, string Checkpoint, long Parameters, int CodeSize);

    /// <summary>What was corrupted how, as results.json records it.</summary>
    /// <param name="Checkpoint">The model studied.</param>
    /// <param name="Dataset">The dataset its test images came from (null: the one it was trained on).</param>
    /// <param name="Samples">Test images corrupted at each level.</param>
    /// <param name="NoiseLevels">Standard deviations of the Gaussian noise.</param>
    /// <param name="OcclusionLevels">Fractions of each image hidden.</param>
    /// <param name="Occlusion">How pixels are hidden: "pixels" or "block".</param>
    /// <param name="Clip">Whether noisy inputs were clipped to [0, 1].</param>
    /// <param name="Seed">The seed of the corruptions.</param>
    /// <param name="SplitSeed">The seed of the train/test split the test images come from.</param>
    /// <param name="BatchSize">Images per forward pass.</param>
    public sealed record Settings(string Checkpoint, string? Dataset, int Samples, IReadOnlyList<double> NoiseLevels, IReadOnlyList<double> OcclusionLevels,
                                  string Occlusion, bool Clip, uint Seed, uint SplitSeed, int BatchSize)
    {
        internal static Settings Of(RobustnessSettings s) =>
            new(s.Checkpoint, s.Dataset, s.Samples, s.NoiseLevels, s.OcclusionLevels, s.Occlusion.Name, s.Clip, s.Seed, s.SplitSeed, s.BatchSize);
    }

    /// <summary>The model studied.</summary>
    /// <param name="Parameters">Its trainable parameters.</param>
    /// <param name="CodeSize">The width of its code.</param>
    /// <param name="Input">Its input shape, without the batch.</param>
    public sealed record ModelInfo(long Parameters, int CodeSize, int[] Input);

    /// <param name="Corruption">"noise" or "occlusion": the curve, as the CSV and file names say.</param>
    /// <param name="Kind">"noise", "pixels" or "block".</param>
    /// <param name="Level">The noise σ or the occluded fraction.</param>
    /// <param name="MseMean">Mean reconstruction MSE against the clean image.</param>
    /// <param name="MseStd">Its standard deviation over the images.</param>
    /// <param name="InputMseMean">Mean MSE of the corrupted input against the clean image: the baseline of doing nothing.</param>
    /// <param name="Model">The model's label when several are compared; absent for one.</param>
    public sealed record Row(string Corruption, string Kind, double Level, double MseMean, double MseStd, double InputMseMean,
                             [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null);

    /// <summary>
    /// Writes the files of one model's robustness, or of several models' (<paramref name="runs"/> in the order of
    /// <paramref name="models"/>) on one set of charts: a curve per model, the corrupted input once (it is the same for all).
    /// </summary>
    internal static Results Write(RunDirectory dir, RobustnessSettings settings, IReadOnlyList<Autoencoder> models, int[]? imageShape,
                                  IReadOnlyList<RobustnessResult> runs, Provenance provenance)
    {
        bool compared = runs.Count > 1;
        var labels = settings.ModelLabels;
        dir.WriteText("robustness.csv", Csv(runs, compared ? labels : null));
        for (int c = 0; c < runs[0].Curves.Count; c++)
        {
            var first = runs[0].Curves[c];
            string file = FileStem(first.Corruption);
            var series = runs.Select((run, m) => new Series(compared ? $"{labels[m]} ± std" : "reconstruction ± std",
                                                            [.. run.Curves[c].Levels.Select(l => l.Level)], [.. run.Curves[c].Levels.Select(l => l.MseMean)],
                                                            Error: [.. run.Curves[c].Levels.Select(l => l.MseStd)])).ToList();
            series.Add(new Series("corrupted input", [.. first.Levels.Select(l => l.Level)], [.. first.Levels.Select(l => l.InputMseMean)]));
            // Models compared sit close together beneath the corrupted input's curve: a log axis keeps their gap visible.
            dir.WriteText($"{file}.svg", LineChart.Render($"Reconstruction MSE under {Describe(first.Corruption)}", XLabel(first.Corruption),
                                                          compared ? "MSE against the clean image (log scale)" : "MSE against the clean image", series, logY: compared));
            if (imageShape is { Length: 3 } shape && shape[0] is 1 or 3 && runs[0].CleanExamples.Count > 0)
                dir.WriteBytes($"{file}-examples.png", Examples([.. runs.Select(r => r.Curves[c])], runs[0].CleanExamples, shape));
        }
        var rows = runs.SelectMany((run, m) => run.Curves.SelectMany(c => c.Levels.Select(l =>
            new Row(FileStem(c.Corruption), c.Corruption.Name, l.Level, l.MseMean, l.MseStd, l.InputMseMean, compared ? labels[m] : null))));
        var results = new Results(SchemaName, provenance, Settings.Of(settings), new ModelInfo(models[0].ParameterCount, models[0].CodeSize, models[0].InputShape), [.. rows])
        {
            Models = compared ? [.. models.Select((model, m) => new ComparedModel(labels[m], settings.Checkpoints[m], model.ParameterCount, model.CodeSize))] : null,
        };
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    /// <summary>"noise" or "occlusion": the name of the curve's files and of its rows in the CSV.</summary>
    public static string FileStem(Corruption c) => c.Kind == CorruptionKind.Noise ? "noise" : "occlusion";

    internal override IReadOnlyList<string> Figures { get; } = ["noise.svg", "occlusion.svg", "noise-examples.png", "occlusion-examples.png"];

    internal override string Title(Results r) => "Robustness to noise and occlusion";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.Headline(Headline(r));
        page.KeyValues(
        [
            ("checkpoint", r.Models is null ? r.Settings.Checkpoint : null),
            ("models", r.Models is { } models
                ? string.Join("; ", models.Select(m => $"{m.Label}: {m.Checkpoint}, {ReportPage.Count(m.Parameters)} parameters, code size {m.CodeSize}")) : null),
            ("dataset", r.Settings.Dataset is { } d ? $"{d}, the first {ReportPage.Count(r.Settings.Samples)} test images" : null),
            ("model", r.Models is null ? $"{ReportPage.Count(r.Model.Parameters)} parameters, code size {r.Model.CodeSize}" : null),
            ("noise", r.Settings.Clip ? "x + α·N(0, 1), clipped to [0, 1]" : "x + α·N(0, 1)"),
            ("occlusion", r.Settings.Occlusion == "block" ? "one square block of the given area set to 0" : "the given fraction of pixels set to 0"),
            ("seed", ReportPage.Invariant(r.Settings.Seed)),
        ]);
        Digest(page, r, directory);
    }

    internal override void Digest(ReportPage page, Results r, string directory)
    {
        bool compared = r.Models is not null;
        var rows = r.Rows.Select(row => (string[])[
            .. compared ? [row.Model ?? ""] : Array.Empty<string>(),
            row.Corruption, ReportPage.Number(row.Level, 4) ?? "", ReportPage.PlusMinus(row.MseMean, row.MseStd), ReportPage.Number(row.InputMseMean, 4) ?? "—",
        ]).ToList();
        if (rows.Count == 0) return;
        page.Heading("h3", "Reconstruction error by level");
        string[] header = ["corruption", "level", "reconstruction MSE (mean ± std over images)", "corrupted input MSE"];
        page.Table(compared ? ["model", .. header] : header, rows, numeric: compared ? [2, 3, 4] : [1, 2, 3]);
    }

    // The key figure: how far each curve's reconstruction error rises from its lowest level to its highest.
    private static string? Headline(Results r)
    {
        var parts = r.Rows.GroupBy(row => row.Model is null ? row.Corruption : $"{row.Model}, {row.Corruption}").Select(g =>
        {
            var (first, last) = (g.MinBy(x => x.Level)!, g.MaxBy(x => x.Level)!);
            if (first == last) return $"{g.Key} {ReportPage.Number(first.Level, 4)}: {ReportPage.Number(first.MseMean, 4)}";
            string factor = first.MseMean > 0 ? $" ({ReportPage.Number(last.MseMean / first.MseMean, 3)}×)" : "";
            return $"{g.Key} {ReportPage.Number(first.Level, 4)} → {ReportPage.Number(last.Level, 4)}: {ReportPage.Number(first.MseMean, 4)} → {ReportPage.Number(last.MseMean, 4)}{factor}";
        }).ToList();
        return parts.Count == 0 ? null : "Reconstruction MSE, " + string.Join("; ", parts);
    }

    // What the rows and columns of the example grids are.
    internal override string? Caption(string file, Results r)
    {
        if (!file.EndsWith("-examples.png", StringComparison.Ordinal)) return null;
        string corruption = file[..^"-examples.png".Length];
        var levels = corruption == "noise" ? r.Settings.NoiseLevels : corruption == "occlusion" ? r.Settings.OcclusionLevels : [];
        if (levels.Count == 0) return null;
        string reconstructed = r.Models is { } models ? "reconstructed by " + string.Join(", then ", models.Select(m => m.Label)) : "reconstructed";
        return $"for each example image, rows clean, corrupted and {reconstructed}; columns {corruption} levels {string.Join(", ", levels.Select(l => ReportPage.Number(l, 4) ?? "0"))}";
    }

    private static string Describe(Corruption c) => c.Kind switch
    {
        CorruptionKind.Noise => c.Clip ? "Gaussian noise (clipped to [0, 1])" : "Gaussian noise",
        CorruptionKind.Pixels => "random-pixel occlusion",
        _ => "block occlusion",
    };

    private static string XLabel(Corruption c) => c.Kind switch
    {
        CorruptionKind.Noise => "noise level α",
        CorruptionKind.Pixels => "fraction of pixels deleted",
        _ => "block area fraction",
    };

    // One row per model, curve and level; a first column names the model when several are compared.
    private static string Csv(IReadOnlyList<RobustnessResult> runs, IReadOnlyList<string>? labels)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        if (labels is not null) csv.WriteField("model");
        foreach (var h in CsvHeader) csv.WriteField(h);
        csv.NextRecord();
        for (int m = 0; m < runs.Count; m++)
            foreach (var curve in runs[m].Curves)
                foreach (var l in curve.Levels)
                {
                    if (labels is not null) csv.WriteField(labels[m]);
                    csv.WriteField(FileStem(curve.Corruption));
                    foreach (double v in new[] { l.Level, l.MseMean, l.MseStd, l.InputMseMean })
                        csv.WriteField(v.ToString("R", CultureInfo.InvariantCulture));
                    csv.NextRecord();
                }
        return text.ToString();
    }

    // Per example image: the clean row, the corrupted row, then each model's reconstructions; one column per level.
    private static byte[] Examples(IReadOnlyList<RobustnessCurve> curves, IReadOnlyList<float[]> clean, int[] shape)
    {
        var rows = new List<IReadOnlyList<float[]>>();
        var levels = curves[0].Levels;
        int count = Math.Min(clean.Count, curves.Min(c => c.Levels.Min(l => l.ReconstructedExamples.Count)));
        for (int i = 0; i < count; i++)
        {
            rows.Add([.. levels.Select(_ => clean[i])]);
            rows.Add([.. levels.Select(l => l.CorruptedExamples[i])]);
            foreach (var curve in curves) rows.Add([.. curve.Levels.Select(l => l.ReconstructedExamples[i])]);
        }
        return ImageGrid.RenderRows(rows, shape[1], shape[2], scale: 2, rowsPerGroup: 2 + curves.Count, channels: shape[0]);
    }
}
