using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Bottleneck.Analysis;

namespace Bottleneck.Reports;

/// <summary>
/// An embedding run's directory: embedding.csv (x, y, label), embedding.svg (the map coloured by label) and
/// results.json (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class EmbedReport() : ReportKind<EmbedReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of an embedding run carries.</summary>
    public const string SchemaName = "bottleneck/embed/v1";

    /// <summary>results.json of an embedding run.</summary>
    public sealed record Results(string Schema, Provenance Provenance, Settings Settings, string Method, int Samples,
                                 double? KlDivergence, double? KnnAccuracy, double? Trustworthiness, double Seconds)
    {
        /// <summary>t-SNE's own figures (learning rate, iterations, KL per checked iteration); absent for PCA.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TsneInfo? Tsne { get; init; }
        /// <summary>PCA's share of the variance each of the two components explains; absent for t-SNE.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double>? ExplainedVarianceRatio { get; init; }
    }

    /// <summary>How the map was made, as results.json records it.</summary>
    /// <param name="Method">"tsne" or "pca".</param>
    /// <param name="Perplexity">t-SNE's perplexity; null for PCA.</param>
    /// <param name="Seed">The seed of the initial map and of the sample drawn.</param>
    /// <param name="Neighbours">k of the kNN accuracy and of trustworthiness.</param>
    /// <param name="Source">What was embedded.</param>
    public sealed record Settings(string Method, double? Perplexity, uint Seed, int Neighbours, Source Source);

    /// <summary>What was embedded: the codes of a checkpoint's test images, or the points of a CSV file.</summary>
    public sealed record Source(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Checkpoint,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Dataset,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CodeSize,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] uint? SplitSeed,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Classes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Points)
    {
        internal static Source OfPoints(string path) => new(null, null, null, null, null, path);
    }

    /// <summary>What t-SNE did.</summary>
    /// <param name="Algorithm">"exact", "barnes_hut" or "fft".</param>
    /// <param name="LearningRate">The gradient step used (given, or "auto": n / early exaggeration / 4).</param>
    /// <param name="Iterations">Gradient steps taken.</param>
    /// <param name="KlHistory">KL(P ‖ Q) at the iterations it was evaluated.</param>
    public sealed record TsneInfo(string Algorithm, double LearningRate, int Iterations, IReadOnlyList<KlPoint> KlHistory);

    /// <summary>KL(P ‖ Q) at one iteration of t-SNE.</summary>
    /// <param name="Iteration">The iteration, from 1.</param>
    /// <param name="KlDivergence">The objective there, in nats.</param>
    public sealed record KlPoint(int Iteration, double KlDivergence);

    internal static Results Write(RunDirectory dir, EmbedSettings settings, Source source, int[]? labels, EmbedOutcome outcome, Provenance provenance)
    {
        var map = outcome.Map;
        int n = map.GetLength(0);
        dir.WriteText("embedding.csv", Csv(map, labels));
        string method = settings.Method == EmbedMethod.Tsne ? "t-SNE" : "PCA";
        var groups = labels is null
            ? [new Series("points", Column(map, 0, _ => true), Column(map, 1, _ => true))]
            : labels.Distinct().Order().Select(l => new Series(ClassName(source, l), Column(map, 0, i => labels[i] == l), Column(map, 1, i => labels[i] == l))).ToList();
        dir.WriteText("embedding.svg", ScatterChart.Render($"{method} of {n:N0} points", $"{method} 1", $"{method} 2", groups));

        var results = new Results(SchemaName, provenance,
            new Settings(settings.MethodName, settings.Method == EmbedMethod.Tsne ? settings.Perplexity : null, settings.Seed, settings.Neighbours, source),
            settings.MethodName, n, outcome.KlDivergence, outcome.KnnAccuracy, outcome.Trustworthiness, outcome.Seconds)
        {
            Tsne = outcome.Tsne is { } tsne
                ? new TsneInfo(tsne.Method switch { TsneMethod.Exact => "exact", TsneMethod.Fft => "fft", _ => "barnes_hut" }, tsne.LearningRate, tsne.LastIteration + 1,
                               [.. tsne.KlHistory.Select(h => new KlPoint(h.Iteration, h.Kl))])
                : null,
            ExplainedVarianceRatio = outcome.ExplainedVarianceRatio,
        };
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal override IReadOnlyList<string> Figures { get; } = ["embedding.svg"];

    internal override string Title(Results r)
    {
        string method = r.Method == "pca" ? "PCA" : "t-SNE";
        return r.Settings.Source.Points is null ? $"Map of the code space ({method})" : $"Map of the points ({method})";
    }

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        var source = r.Settings.Source;
        string neighbours = ReportPage.Invariant(r.Settings.Neighbours);
        // The key figures: how well the codes keep the classes apart, and how faithful the map is to the codes.
        var headline = new[]
        {
            ReportPage.Number(r.KnnAccuracy, 3) is { } knn ? $"{neighbours}-NN accuracy of the codes {knn}" : null,
            ReportPage.Number(r.Trustworthiness, 3) is { } trust ? $"trustworthiness of the map {trust}" : null,
        }.OfType<string>().ToList();
        page.Headline(headline.Count > 0 ? string.Join("; ", headline) : null);
        page.KeyValues(
        [
            ("points", source.Points),
            ("checkpoint", source.Checkpoint),
            ("dataset", source.Dataset is { } d ? $"{d}, the first {ReportPage.Count(r.Samples)} test images" : null),
            ("code size", source.CodeSize is { } c ? ReportPage.Invariant(c) : null),
            ("samples", source.Dataset is null ? ReportPage.Count(r.Samples) : null),
            ("method", r.Method != "pca"
                ? $"t-SNE ({r.Tsne?.Algorithm.Replace("barnes_hut", "Barnes-Hut")}), perplexity {(r.Settings.Perplexity is { } p ? ReportPage.Invariant(p) : "")}"
                : "PCA"),
            ("KL divergence", ReportPage.Number(r.KlDivergence, 4)),
            ("trustworthiness", ReportPage.Number(r.Trustworthiness, 4) is { } t ? $"{t} (of the 2-D map, {neighbours} neighbours)" : null),
            ($"{neighbours}-NN accuracy of the codes", ReportPage.Number(r.KnnAccuracy, 4)),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
            ("seed", ReportPage.Invariant(r.Settings.Seed)),
        ]);
    }

    internal override void Digest(ReportPage page, Results r, string directory) => page.KeyValues(
    [
        ("method", r.Method),
        ("samples", ReportPage.Count(r.Samples)),
        ("trustworthiness", ReportPage.Number(r.Trustworthiness, 4)),
        ("5-NN accuracy of the codes", ReportPage.Number(r.KnnAccuracy, 4)),
        ("KL divergence", ReportPage.Number(r.KlDivergence, 4)),
    ]);

    private static double[] Column(double[,] map, int column, Func<int, bool> take) =>
        [.. Enumerable.Range(0, map.GetLength(0)).Where(take).Select(i => map[i, column])];

    // The legend's name for a label: the dataset's class name when the source gives one, else the number.
    private static string ClassName(Source source, int label) =>
        source.Classes is { } names && label >= 0 && label < names.Count ? $"{label} {names[label]}" : $"label {label}";

    private static string Csv(double[,] map, int[]? labels)
    {
        var text = new StringBuilder(labels is null ? "x,y\n" : "x,y,label\n");
        for (int i = 0; i < map.GetLength(0); i++)
        {
            text.Append(map[i, 0].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(map[i, 1].ToString("R", CultureInfo.InvariantCulture));
            if (labels is not null) text.Append(',').Append(labels[i].ToString(CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }
}
