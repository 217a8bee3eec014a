using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

// The summaries of the two studies of a trained model: its robustness curves and the map of its code space.
public static partial class HtmlReport
{
    private static string EmbedTitle(JsonObject r)
    {
        string method = Str(r["method"]) == "pca" ? "PCA" : "t-SNE";
        return At(r, "settings", "source", "points") is null ? $"Map of the code space ({method})" : $"Map of the points ({method})";
    }

    private static void RobustnessSummary(Html h, JsonObject r)
    {
        KeyValues(h,
        [
            ("checkpoint", Str(At(r, "settings", "checkpoint"))),
            ("dataset", Str(At(r, "settings", "dataset")) is { } d ? $"{d}, the first {Str(At(r, "settings", "samples"))} test images" : null),
            ("model", Str(At(r, "model", "parameters")) is { } p ? $"{p} parameters, code size {Str(At(r, "model", "code_size"))}" : null),
            ("noise", Bool(At(r, "settings", "clip")) ? "x + α·N(0, 1), clipped to [0, 1]" : "x + α·N(0, 1)"),
            ("occlusion", Str(At(r, "settings", "occlusion")) == "block" ? "one square block of the given area set to 0" : "the given fraction of pixels set to 0"),
            ("seed", Str(At(r, "settings", "seed"))),
        ]);
        var rows = Array(r["rows"]).OfType<JsonObject>()
            .Select(row => new[]
            {
                Str(row["corruption"]) ?? "", Number(row["level"], 4) ?? "",
                PlusMinus(row["mse_mean"], row["mse_std"]), Number(row["input_mse_mean"], 4) ?? "—",
            }).ToList();
        if (rows.Count == 0) return;
        h.Element("h3", "Reconstruction error by level").Line();
        Table(h, ["corruption", "level", "reconstruction MSE (mean ± std over images)", "corrupted input MSE"], rows, numeric: [1, 2, 3]);
    }

    private static void EmbedSummary(Html h, JsonObject r)
    {
        bool tsne = Str(r["method"]) != "pca";
        string? neighbours = Str(At(r, "settings", "neighbours"));
        KeyValues(h,
        [
            ("points", Str(At(r, "settings", "source", "points"))),
            ("checkpoint", Str(At(r, "settings", "source", "checkpoint"))),
            ("dataset", Str(At(r, "settings", "source", "dataset")) is { } d ? $"{d}, the first {Str(r["samples"])} test images" : null),
            ("code size", Str(At(r, "settings", "source", "code_size"))),
            ("samples", At(r, "settings", "source", "dataset") is null ? Str(r["samples"]) : null),
            ("method", tsne ? $"t-SNE ({Str(At(r, "tsne", "algorithm"))?.Replace("barnes_hut", "Barnes-Hut")}), perplexity {Str(At(r, "settings", "perplexity"))}" : "PCA"),
            ("KL divergence", Number(r["kl_divergence"], 4)),
            ("trustworthiness", Number(r["trustworthiness"], 4) is { } t ? $"{t} (of the 2-D map, {neighbours} neighbours)" : null),
            ($"{neighbours}-NN accuracy of the codes", Number(r["knn_accuracy"], 4)),
            ("seconds", Number(r["seconds"], 3)),
            ("seed", Str(At(r, "settings", "seed"))),
        ]);
    }

    // What the rows and columns of robustness's example grids are.
    private static string? ExamplesCaption(string file, JsonObject? r)
    {
        if (r is null || Str(r["schema"]) != RobustnessReport.Schema || !file.EndsWith("-examples.png", StringComparison.Ordinal)) return null;
        string corruption = file[..^"-examples.png".Length];
        var levels = Array(At(r, "settings", $"{corruption}_levels")).Select(l => Number(l, 4)).OfType<string>().ToList();
        if (levels.Count == 0) return null;
        return $"for each example image, rows clean, corrupted and reconstructed; columns {corruption} levels {string.Join(", ", levels)}";
    }

    private static bool Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool b) && b;
}
