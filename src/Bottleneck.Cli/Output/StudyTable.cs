using System.Globalization;
using Bottleneck.Search;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary>A study's top trials in study B's Table 1 layout: the searched settings, then train and validation loss (mean ± std over folds).</summary>
public static class StudyTable
{
    public static void Print(StudyResult result, IReadOnlyList<TrialParams> trials, int top)
    {
        var names = trials[0].Values.Select(v => v.Key).ToList();
        bool tune = result.Settings.Kind == StudyKind.Tune;
        var table = new Table().Border(TableBorder.Simple).Title(tune ? $"Top {top}: {result.Settings.Folds}-fold cross-validation" : $"Top {top}: test loss");
        table.AddColumn("rank");
        foreach (var n in names) table.AddColumn(new TableColumn(n).RightAligned());
        table.AddColumn(new TableColumn(tune ? "train loss" : "final train loss").RightAligned());
        table.AddColumn(new TableColumn(tune ? "validation loss" : "score").RightAligned());
        table.AddColumn("status");
        int rank = 0;
        foreach (var t in result.Ranked.Take(top))
        {
            var cells = new List<string> { (++rank).ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(names.Select(n => t.Params.Has(n) ? t.Params[n] : ""));
            cells.Add(tune ? $"{t.MeanTrainLoss:0.000000} ± {t.StdTrainLoss:0.000000}" : $"{t.MeanTrainLoss:0.000000}");
            cells.Add(t.Status is TrialStatus.Diverged or TrialStatus.Failed ? "—" : tune ? $"{t.MeanEvalLoss:0.000000} ± {t.StdEvalLoss:0.000000}" : $"{t.Score:0.000000}");
            cells.Add(t.Status == TrialStatus.Pruned ? $"pruned at {Plural.Count(t.Budget, "epoch")}" : t.Status.ToString().ToLowerInvariant());
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        AnsiConsole.Write(table);
        if (result.Unfinished > 0) Console.WriteLine($"{result.Unfinished} trials are not finished (interrupted, or still running in another process)");
        if (result.Settings.Halves)
            Console.WriteLine($"{result.Settings.Pruner.ToString().ToLowerInvariant()} trained {result.EpochsTrained:N0} epochs instead of the full grid's {result.FullGridEpochs:N0} " +
                              $"({100.0 * result.EpochsTrained / result.FullGridEpochs:0}%), saving {result.FullGridEpochs - result.EpochsTrained:N0}");
        if (result.Settings.Pruner == Pruner.Asha)
            Console.WriteLine($"asha: {Plural.Count(result.Promotions.Count, "promotion")}; " +
                              $"workers sat idle {result.IdleSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} slot-seconds");
        if (result.FullGridWinner is { } winner)
            Console.WriteLine(result.Best?.Params.Key == winner.Params.Key
                ? $"verified: the full grid's best is the same ({winner.Params}, score {winner.Score:0.000000})"
                : $"verified: the full grid's best differs: {winner.Params} (score {winner.Score:0.000000}) vs halving's {result.Best?.Params}");
    }
}
