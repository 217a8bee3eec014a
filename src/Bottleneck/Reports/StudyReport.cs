using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Search;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// A tune or sweep run directory: results.json (schema <see cref="SchemaName"/>, top-level <c>trials</c> in rank
/// order), trials.csv, heatmap.svg (a grid over two settings), score.svg (score against the one searched setting),
/// curves.svg (every trial's held-out loss per epoch), best-curves.svg (the best trial's curves, fold by fold)
/// and, after results.json, report.html.
/// </summary>
public sealed class StudyReport() : ReportKind<StudyReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of a tune or sweep carries.</summary>
    public const string SchemaName = "bottleneck/study/v1";

    /// <summary>Trials shown in a tune or sweep summary; the rest are in trials.csv.</summary>
    public const int TopTrials = 10;

    /// <summary>results.json of a tune or a sweep.</summary>
    public sealed record Results(string Schema, string Status, Provenance Provenance, JsonObject Settings, Best? Best, int UnfinishedTrials,
                                 long EpochsTrained, long FullGridEpochs, Verification? Verification, IReadOnlyList<TrialResult> Trials, double Seconds)
    {
        /// <summary>With asha, every promotion decided, in order; absent otherwise.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<Promotion>? Promotions { get; init; }

        /// <summary>Slot-seconds the study's workers sat with nothing to run (every process that worked on it); absent in older files.</summary>
        public double? IdleSeconds { get; init; }

        /// <summary>Whether the study was a tune (a grid over several settings) rather than a sweep.</summary>
        public bool IsTune => Settings["kind"]?.GetValue<string>() == "tune";
    }

    /// <summary>The best finished trial.</summary>
    /// <param name="Params">Its settings.</param>
    /// <param name="Score">Its score: mean held-out MSE over the folds.</param>
    public sealed record Best(TrialParams Params, double Score);

    /// <summary>With halving and verification: the full grid's winner, and whether the pruned search found it.</summary>
    public sealed record Verification(TrialParams FullGridBest, double FullGridBestScore, bool PrunedSearchFoundIt);

    internal static Results Write(RunDirectory dir, StudyResult result, IReadOnlyList<TrialParams> space, Provenance provenance)
    {
        var names = space.Count > 0 ? space[0].Values.Select(v => v.Key).ToList() : [];
        dir.WriteText("trials.csv", TrialsCsv(result, names));
        if (names.Count == 2 && Heatmap(result, space, names) is { } heatmap) dir.WriteText("heatmap.svg", heatmap);
        if (names.Count == 1 && ScoreChart(result, names[0]) is { } score) dir.WriteText("score.svg", score);
        dir.WriteText("curves.svg", Curves(result));
        if (result.Best is { } best) dir.WriteText("best-curves.svg", BestCurves(best));
        var results = ResultsOf(result, provenance);
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal static Results ResultsOf(StudyResult result, Provenance provenance) => new(
        SchemaName,
        result.Cancelled ? "cancelled" : result.Unfinished > 0 ? "incomplete" : "completed",
        provenance,
        result.Settings.ToJson(),
        result.Best is { } best ? new Best(best.Params, best.Score) : null,
        result.Unfinished,
        result.EpochsTrained,
        result.FullGridEpochs,
        result.FullGridWinner is { } winner ? new Verification(winner.Params, winner.Score, result.Best?.Params.Key == winner.Params.Key) : null,
        [.. result.Ranked.Select((t, i) => t with { Rank = i + 1 })],
        result.Seconds)
    {
        Promotions = result.Settings.Pruner == Pruner.Asha ? result.Promotions : null,
        IdleSeconds = result.IdleSeconds,
    };

    internal override IReadOnlyList<string> Figures { get; } = ["heatmap.svg", "score.svg", "curves.svg", "best-curves.svg"];

    internal override string Title(Results r) => r.Settings["kind"]?.GetValue<string>() switch
    {
        "tune" => "Hyperparameter search (tune)",
        "sweep" => "Sweep",
        _ => "Study",
    };

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.KeyValues(
        [
            ("best parameters", r.Best is { } b ? ReportPage.Params(b.Params) : "none (no completed trial)"),
            ("best score", ReportPage.Number(r.Best?.Score, 6)),
            ("trials", ReportPage.Count(r.Trials.Count)),
            ("unfinished trials", ReportPage.Count(r.UnfinishedTrials)),
            ("dataset", Text(r.Settings["dataset"])),
            ("model", Text(r.Settings["model"])),
            ("folds", r.IsTune ? Text(r.Settings["folds"]) : null),
            ("epochs per trial", Text(r.Settings["epochs"])),
            ("pruner", Text(r.Settings["pruner"])),
            ("pruning", Savings(r)),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
            ("worker idle time", r.IdleSeconds is { } idle ? $"{ReportPage.Number(idle, 3)} slot-seconds with nothing to run" : null),
            ("promotions", r.Promotions is { } ups ? ReportPage.Count(ups.Count) : null),
        ]);
        if (r.Promotions is { Count: > 0 } promotions)
        {
            page.Heading("h3", "Promotions, in the order they were decided");
            page.Table(["#", "trial", "from epochs", "to epochs", "rank", "of results", "score", "rung closed", "worker", "at (UTC)"],
                       [.. promotions.Select((p, i) => new[]
                       {
                           ReportPage.Invariant(i + 1), ReportPage.Params(p.Trial), ReportPage.Invariant(p.FromEpochs), ReportPage.Invariant(p.ToEpochs),
                           ReportPage.Invariant(p.Rank), ReportPage.Invariant(p.Seen), ReportPage.Number(p.Score, 6) ?? "—", p.Closed ? "yes" : "no",
                           p.Worker, p.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                       })], numeric: [0, 2, 3, 4, 5, 6]);
        }
        if (r.Verification is { } v)
        {
            page.Heading("h3", "Verification against the full grid");
            page.Html.Open("p").Text("The full grid's best is ").Element("code", ReportPage.Params(v.FullGridBest))
                .Text($" (score {ReportPage.Number(v.FullGridBestScore, 6) ?? "?"}): ")
                .Element("strong", v.PrunedSearchFoundIt ? "the pruned search found it" : "the pruned search did not find it", ("class", v.PrunedSearchFoundIt ? "ok" : "bad"))
                .Text(".").Close("p").Line();
        }
        Digest(page, r, directory);
    }

    // The top trials as study B's Table 1: rank, settings, loss as mean ± std, score.
    internal override void Digest(ReportPage page, Results r, string directory)
    {
        var names = r.Trials.SelectMany(t => t.Params.Values.Select(p => p.Key)).Distinct().ToList();
        string over = r.IsTune ? " (mean ± std over folds)" : "";
        string loss = r.IsTune ? "validation loss" : "test loss";
        page.Heading("h3", r.Trials.Count > TopTrials ? $"Top {TopTrials} of {r.Trials.Count} trials" : "Trials");
        var rows = r.Trials.Take(TopTrials).Select(t => new[] { ReportPage.Invariant(t.Rank ?? 0) }
            .Concat(names.Select(n => t.Params.Has(n) ? t.Params[n] : ""))
            .Concat([t.Status.ToString().ToLowerInvariant(), ReportPage.PlusMinus(t.MeanTrainLoss, t.StdTrainLoss, t.Folds.Count),
                     ReportPage.PlusMinus(t.MeanEvalLoss, t.StdEvalLoss, t.Folds.Count), ReportPage.Number(t.Score, 4) ?? "—",
                     ReportPage.Count(t.EpochsTrained)])
            .ToArray()).ToList();
        int n = names.Count;
        page.Table(["rank", .. names, "status", "train loss" + over, loss + over, "score", "epochs trained"], rows, numeric: [0, n + 2, n + 3, n + 4, n + 5]);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v ? v.TryGetValue(out string? s) ? s : v.ToJsonString() : null;

    // Epochs the search trained against what the full grid would have needed.
    private static string? Savings(Results r)
    {
        bool halving = r.Settings["halving"] is JsonValue h && h.TryGetValue(out bool on) && on;
        if (r.FullGridEpochs <= 0 || (!halving && r.EpochsTrained >= r.FullGridEpochs)) return null;
        string of = $"{ReportPage.Count(r.EpochsTrained)} of the full grid's {ReportPage.Count(r.FullGridEpochs)} epochs trained";
        return r.EpochsTrained < r.FullGridEpochs ? $"{of} ({NumberText.Significant(100 * (1 - (double)r.EpochsTrained / r.FullGridEpochs), 3)}% saved)" : of;
    }

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
            foreach (var v in new[] { t.MeanTrainLoss, t.StdTrainLoss, t.MeanEvalLoss, t.StdEvalLoss, t.Score }) csv.WriteField(History.Number(v));
            csv.WriteField(string.Join(";", t.FoldEvalLosses.Select(History.Number)));
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

    // One line per trial (best first, at most ten): its mean held-out loss per epoch over folds.
    private static string Curves(StudyResult result)
    {
        var series = result.Ranked.Take(10).Select(t =>
        {
            int epochs = t.Folds.Count == 0 ? 0 : t.Folds.Min(f => f.Epochs.Count);
            var y = Enumerable.Range(0, epochs).Select(e => t.Folds.Average(f => f.Epochs[e].EvalLoss)).ToArray();
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
            // A fold's two curves share its colour; train is dashed, the held-out loss solid.
            series.Add(new Series($"{part}train", [.. e.Select(r => (double)r.Epoch)], [.. e.Select(r => r.TrainLoss)], Group: f, Dashed: true));
            series.Add(new Series($"{part}{(best.Folds.Count > 1 ? "validation" : "test")}", [.. e.Select(r => (double)r.Epoch)], [.. e.Select(r => r.EvalLoss)],
                                  Group: f));
        }
        return LineChart.Render($"Best trial: {best.Params}", "epoch", "loss", series, logY: true);
    }

    private static string ScoreName(StudyResult result) =>
        result.Settings.Kind == StudyKind.Tune ? "mean validation loss" : result.Settings.ScoreBest ? "best test loss" : $"mean test loss, last {result.Settings.LastEpochs} epochs";

    private static string Title(StudyResult result) => $"{ScoreName(result)} ({result.Settings.Folds}-fold)";
}
