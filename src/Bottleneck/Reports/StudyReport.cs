using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Search;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// Writes a tune or sweep run directory: results.json (schema <see cref="Schema"/>, top-level
/// <c>trials</c> in rank order), trials.csv, heatmap.svg (a grid over two settings), score.svg
/// (score against the one searched setting), curves.svg (every trial's validation or test loss
/// per epoch), best-curves.svg (the best trial's curves, fold by fold) and, after results.json,
/// report.html.
/// </summary>
public static class StudyReport
{
    public const string Schema = "bottleneck/study/v1";

    public static void Write(RunDirectory dir, StudyResult result, IReadOnlyList<TrialParams> space, Provenance provenance)
    {
        var names = space.Count > 0 ? space[0].Values.Select(v => v.Key).ToList() : [];
        dir.WriteText("trials.csv", TrialsCsv(result, names));
        if (names.Count == 2 && Heatmap(result, space, names) is { } heatmap) dir.WriteText("heatmap.svg", heatmap);
        if (names.Count == 1 && ScoreChart(result, names[0]) is { } score) dir.WriteText("score.svg", score);
        dir.WriteText("curves.svg", Curves(result));
        if (result.Best is { } best) dir.WriteText("best-curves.svg", BestCurves(best));
        dir.WriteText("results.json", Json.Serialize(ToJson(result, provenance)));
        HtmlReport.Write(dir);
    }

    public static JsonObject ToJson(StudyResult result, Provenance provenance) => new()
    {
        ["schema"] = Schema,
        ["status"] = result.Cancelled ? "cancelled" : result.Unfinished > 0 ? "incomplete" : "completed",
        ["provenance"] = provenance.ToJson(),
        ["settings"] = result.Settings.ToJson(),
        ["best"] = result.Best is { } best ? new JsonObject { ["params"] = best.Params.ToJson(), ["score"] = Json.Number(best.Score) } : null,
        ["unfinished_trials"] = result.Unfinished,
        ["epochs_trained"] = result.EpochsTrained,
        ["full_grid_epochs"] = result.FullGridEpochs,
        ["verification"] = result.FullGridWinner is { } winner ? new JsonObject
        {
            ["full_grid_best"] = winner.Params.ToJson(),
            ["full_grid_best_score"] = Json.Number(winner.Score),
            ["pruned_search_found_it"] = result.Best?.Params.Key == winner.Params.Key,
        } : null,
        ["trials"] = new JsonArray([.. result.Ranked.Select((t, i) =>
        {
            var json = t.ToJson();
            json["rank"] = i + 1;
            return (JsonNode)json;
        })]),
        ["seconds"] = result.Seconds,
    };

    private static string TrialsCsv(StudyResult result, List<string> names)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "rank" }.Concat(names).Concat(["status", "budget_epochs", "mean_train_loss", "std_train_loss",
                     "mean_val_loss", "std_val_loss", "score", "fold_val_losses", "epochs_trained"]))
            csv.WriteField(h);
        csv.NextRecord();
        int rank = 0;
        foreach (var t in result.Ranked)
        {
            csv.WriteField(++rank);
            foreach (var n in names) csv.WriteField(t.Params.Has(n) ? t.Params[n] : "");
            csv.WriteField(t.Status.ToString().ToLowerInvariant());
            csv.WriteField(t.Budget);
            foreach (var v in new[] { t.MeanTrainLoss, t.StdTrainLoss, t.MeanValLoss, t.StdValLoss, t.Score }) csv.WriteField(History.Number(v));
            csv.WriteField(string.Join(";", t.FoldValLosses.Select(History.Number)));
            csv.WriteField(t.EpochsTrained);
            csv.NextRecord();
        }
        return text.ToString();
    }

    // Completed trials' scores on the grid of the two searched settings; others (pruned, diverged) stay empty.
    private static string? Heatmap(StudyResult result, IReadOnlyList<TrialParams> space, List<string> names)
    {
        var xs = space.Select(t => t[names[0]]).Distinct().ToList();
        var ys = space.Select(t => t[names[1]]).Distinct().ToList();
        if (xs.Count * ys.Count != space.Count) return null;
        var values = new double[ys.Count, xs.Count];
        for (int y = 0; y < ys.Count; y++)
            for (int x = 0; x < xs.Count; x++) values[y, x] = double.NaN;
        foreach (var t in result.Ranked.Where(t => t.Status == TrialStatus.Completed))
            values[ys.IndexOf(t.Params[names[1]]), xs.IndexOf(t.Params[names[0]])] = t.Score;
        return Reports.Heatmap.Render(Title(result), names[0], xs, names[1], ys, values, ScoreName(result), lowerIsBetter: true, logColor: true);
    }

    private static string? ScoreChart(StudyResult result, string name)
    {
        var points = result.Ranked.Where(t => t.Status == TrialStatus.Completed)
            .Select(t => (X: double.TryParse(t.Params[name], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN, Y: t.Score))
            .Where(p => double.IsFinite(p.X)).OrderBy(p => p.X).ToList();
        if (points.Count == 0) return null;
        return LineChart.Render($"{ScoreName(result)} by {name}", name, ScoreName(result),
            [new Series(ScoreName(result), [.. points.Select(p => p.X)], [.. points.Select(p => p.Y)])]);
    }

    // One line per trial (best first, at most ten): its mean validation loss per epoch over folds.
    private static string Curves(StudyResult result)
    {
        var series = result.Ranked.Take(10).Select(t =>
        {
            int epochs = t.Folds.Count == 0 ? 0 : t.Folds.Min(f => f.Epochs.Count);
            var y = Enumerable.Range(0, epochs).Select(e => t.Folds.Average(f => f.Epochs[e].ValLoss)).ToArray();
            return new Series(t.Params.ToString(), [.. Enumerable.Range(1, epochs).Select(e => (double)e)], y);
        }).ToList();
        string what = result.Settings.Kind == StudyKind.Tune ? "validation" : "test";
        return LineChart.Render($"{char.ToUpperInvariant(what[0])}{what[1..]} loss per epoch (best {series.Count} trials)", "epoch", $"{what} loss", series, logY: true);
    }

    private static string BestCurves(TrialResult best)
    {
        var series = new List<Series>();
        for (int f = 0; f < best.Folds.Count; f++)
        {
            var e = best.Folds[f].Epochs;
            string part = best.Folds.Count > 1 ? $"fold {f + 1} " : "";
            series.Add(new Series($"{part}train", [.. e.Select(r => (double)r.Epoch)], [.. e.Select(r => r.TrainLoss)]));
            series.Add(new Series($"{part}{(best.Folds.Count > 1 ? "validation" : "test")}", [.. e.Select(r => (double)r.Epoch)], [.. e.Select(r => r.ValLoss)]));
        }
        return LineChart.Render($"Best trial: {best.Params}", "epoch", "loss", series, logY: true);
    }

    private static string ScoreName(StudyResult result) =>
        result.Settings.Kind == StudyKind.Tune ? "mean validation loss" : result.Settings.ScoreBest ? "best test loss" : $"mean test loss, last {result.Settings.LastEpochs} epochs";

    private static string Title(StudyResult result) => $"{ScoreName(result)} ({result.Settings.Folds}-fold)";
}
