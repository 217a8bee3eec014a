using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Tensors;

namespace Bottleneck.Reports;

/// <summary>
/// Writes an embedding run's directory: embedding.csv (x, y, label), embedding.svg (the map coloured
/// by label) and results.json (schema <see cref="Schema"/>), last.
/// </summary>
public static class EmbedReport
{
    public const string Schema = "bottleneck/embed/v1";

    /// <summary>
    /// The whole embedding run, for <c>bottleneck embed</c> and a pipeline's embed phase alike: maps the points to 2-D
    /// (<see cref="CodeSpaceEmbedding.Run"/>), then writes the run directory's files.
    /// </summary>
    /// <param name="source">What was embedded: { "checkpoint", "dataset" } or { "points" }.</param>
    public static EmbedOutcome Run(RunDirectory dir, EmbedSettings settings, JsonObject source, Tensor points, int[]? labels, Provenance provenance)
    {
        var outcome = CodeSpaceEmbedding.Run(points, labels, settings);
        Write(dir, settings, source, labels, outcome, provenance);
        return outcome;
    }

    /// <param name="source">What was embedded: { "checkpoint", "dataset", "classes" (names by label, when known) } or { "points" }.</param>
    public static void Write(RunDirectory dir, EmbedSettings settings, JsonObject source, int[]? labels, EmbedOutcome outcome, Provenance provenance)
    {
        var map = outcome.Map;
        int n = map.GetLength(0);
        dir.WriteText("embedding.csv", Csv(map, labels));
        string method = settings.Method == EmbedMethod.Tsne ? "t-SNE" : "PCA";
        var groups = labels is null
            ? [new Series("points", Column(map, 0, _ => true), Column(map, 1, _ => true))]
            : labels.Distinct().Order().Select(l => new Series(ClassName(source, l), Column(map, 0, i => labels[i] == l), Column(map, 1, i => labels[i] == l))).ToList();
        dir.WriteText("embedding.svg", ScatterChart.Render($"{method} of {n:N0} points", $"{method} 1", $"{method} 2", groups));

        var json = new JsonObject
        {
            ["schema"] = Schema,
            ["provenance"] = provenance.ToJson(),
            ["settings"] = new JsonObject
            {
                ["method"] = settings.MethodName,
                ["perplexity"] = settings.Method == EmbedMethod.Tsne ? settings.Perplexity : null,
                ["seed"] = settings.Seed,
                ["neighbours"] = settings.Neighbours,
                ["source"] = source,
            },
            ["method"] = settings.MethodName,
            ["samples"] = n,
            ["kl_divergence"] = outcome.KlDivergence is { } kl ? Json.Number(kl) : null,
            ["knn_accuracy"] = outcome.KnnAccuracy is { } a ? Json.Number(a) : null,
            ["trustworthiness"] = outcome.Trustworthiness is { } t ? Json.Number(t) : null,
            ["seconds"] = outcome.Seconds,
        };
        if (outcome.Tsne is { } tsne)
        {
            json["tsne"] = new JsonObject
            {
                ["algorithm"] = tsne.Method == TsneMethod.Exact ? "exact" : "barnes_hut",
                ["learning_rate"] = tsne.LearningRate,
                ["iterations"] = tsne.LastIteration + 1,
                ["kl_history"] = new JsonArray([.. tsne.KlHistory.Select(h => (JsonNode)new JsonObject { ["iteration"] = h.Iteration, ["kl_divergence"] = Json.Number(h.Kl) })]),
            };
        }
        if (outcome.ExplainedVarianceRatio is { } ratio)
            json["explained_variance_ratio"] = new JsonArray([.. ratio.Select(r => Json.Number(r))]);
        dir.WriteText("results.json", Json.Serialize(json));
        HtmlReport.Write(dir);
    }

    private static double[] Column(double[,] map, int column, Func<int, bool> take) =>
        [.. Enumerable.Range(0, map.GetLength(0)).Where(take).Select(i => map[i, column])];

    // The legend's name for a label: the dataset's class name when the source gives one, else the number.
    private static string ClassName(JsonObject source, int label) =>
        source["classes"] is JsonArray names && label >= 0 && label < names.Count && names[label] is JsonValue name && name.TryGetValue(out string? text)
            ? $"{label} {text}" : $"label {label}";

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
