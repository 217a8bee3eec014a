using System.Globalization;
using Bottleneck.Runs;
using Bottleneck.Search;
using Bottleneck.Training;

namespace Bottleneck.Cli.Output;

/// <summary>The words of progress output, the same on a terminal and in a log: epoch lines, time left, trial counters.</summary>
public static class ProgressText
{
    /// <summary>"epoch 3/10  train_loss 0.1234  val_loss 0.1200  13,334 img/s  (0:12 left)" for a finished epoch (no speed when <paramref name="samplesPerEpoch"/> is 0).</summary>
    public static string Epoch(EpochRecord e, int epochs, int samplesPerEpoch, TimeSpan? left)
    {
        string speed = e.TrainSeconds > 0 && samplesPerEpoch > 0 ? $"  {Number(samplesPerEpoch / e.TrainSeconds, "N0")} img/s" : "";
        string when = e.Epoch >= epochs ? "done" : left is { } l ? $"{TimeLeft(l)} left" : "time left unknown";
        return $"epoch {e.Epoch}/{epochs}  train_loss {Loss(e.TrainLoss)}  val_loss {Loss(e.EvalLoss)}{speed}  ({when})";
    }

    /// <summary>A duration as h:mm:ss, or m:ss under an hour.</summary>
    public static string TimeLeft(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";

    /// <summary>
    /// Time left from the work done in this invocation: <paramref name="done"/> of the <paramref name="toDo"/> units it has
    /// to do took <paramref name="elapsed"/>. Null before anything is done.
    /// </summary>
    public static TimeSpan? Remaining(TimeSpan elapsed, long done, long toDo) =>
        done <= 0 ? null : TimeSpan.FromSeconds(elapsed.TotalSeconds * Math.Max(0, toDo - done) / done);

    /// <summary>"[3/8]", "[rung 2/3: 1/3]" or "[full grid 2/8]": where a finished trial stands in its pass, never past its total.</summary>
    public static string Counter(StudyStage stage, int done) => stage switch
    {
        { Verify: true } => $"[full grid {Math.Min(done, stage.Trials)}/{stage.Trials}]",
        { Rungs: > 0, Trials: 0 } => $"[rung {stage.Rung}/{stage.Rungs}: {done}]",
        { Rungs: > 0 } => $"[rung {stage.Rung}/{stage.Rungs}: {Math.Min(done, stage.Trials)}/{stage.Trials}]",
        _ => $"[{Math.Min(done, stage.Trials)}/{stage.Trials}]",
    };

    /// <summary>A finished trial's line: its counter, parameters, budget and score.</summary>
    public static string Trial(StudyStage stage, int done, TrialParams trial, int budget, TrialResult r, TimeSpan elapsed)
    {
        string score = r.Status == TrialStatus.Diverged ? "diverged"
            : r.Folds.Count > 1 ? $"score {Loss(r.Score, 6)} (validation {Loss(r.MeanEvalLoss, 6)} ± {Loss(r.StdEvalLoss, 6)} over {r.Folds.Count} folds)"
            : $"score {Loss(r.Score, 6)} (final test loss {Loss(r.MeanEvalLoss, 6)})";
        return $"{Counter(stage, done)} {trial} at {Plural.Count(budget, "epoch")}: {score}; {TimeLeft(elapsed)} elapsed";
    }

    /// <summary>The line a training starts with: what it trains on, what, and how.</summary>
    public static string Plan(TrainingPlan plan) =>
        $"{plan.Dataset}: {Plural.Count(plan.SamplesPerEpoch, "training sample")} and {Plural.Count(plan.TestSamples, "test sample")}; {plan.Model}; " +
        Plural.Count(plan.Threads, "thread") + (plan.ResumedEpochs > 0 && plan.Labels.Count == 1 ? $"; resuming after epoch {plan.ResumedEpochs} of {plan.Epochs}" : "");

    private static string Loss(double value, int decimals = 4) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "n/a";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
