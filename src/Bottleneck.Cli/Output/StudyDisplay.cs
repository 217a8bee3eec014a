using System.Diagnostics;
using Bottleneck.Search;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary>
/// Progress of a study: one bar over all the epochs it plans, with ETA, on a terminal; and a line
/// for every finished trial (its parameters and score), which is all that plain output shows.
/// </summary>
public static class StudyDisplay
{
    public static StudyResult Run(int trials, long plannedEpochs, Func<Action<StudyProgress>, StudyResult> work)
    {
        var clock = Stopwatch.StartNew();
        int finished = 0;
        string Line(StudyProgress p)
        {
            int done = Interlocked.Increment(ref finished);
            var r = p.Finished!;
            string score = r.Status == TrialStatus.Diverged ? "diverged"
                : r.Folds.Count > 1 ? $"score {r.Score:0.000000} (validation {r.MeanValLoss:0.000000} ± {r.StdValLoss:0.000000} over {r.Folds.Count} folds)"
                : $"score {r.Score:0.000000} (final test loss {r.MeanValLoss:0.000000})";
            return $"[{done}/{trials}] {p.Trial} at {p.Budget} epochs: {score}; {clock.Elapsed:h\\:mm\\:ss} elapsed";
        }

        if (!TrainingDisplay.Interactive)
            return work(p =>
            {
                if (p.Finished is not null) Console.WriteLine(Line(p));
            });

        StudyResult result = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("study", maxValue: Math.Max(1, plannedEpochs));
                result = work(p =>
                {
                    if (p.Training?.Completed is not null) task.Increment(1);
                    if (p.Finished is not null) AnsiConsole.WriteLine(Line(p));
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
