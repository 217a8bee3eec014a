using System.Diagnostics;
using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Runs;
using Bottleneck.Search;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary>
/// Shows a run's progress: live bars with ETA on a terminal, or plain lines (a line per finished epoch of a single
/// model, about one every few seconds for several, a line per finished trial) when output is redirected or CI is set.
/// One observer serves a whole command, pipelines included: <see cref="Run{T}"/> wraps the work, and bars are added
/// as trainings and studies start.
/// </summary>
public sealed class ConsoleObserver : IRunObserver
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProgressContext? _live;
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private ProgressTask? _study;
    private TrainingPlan? _training;
    private StudyPlan? _studyPlan;
    private readonly Stopwatch _sinceStart = new();
    private int _epochsDone, _resumedTrials;
    private readonly Dictionary<StudyStage, int> _stageDone = [];
    private double _lastPrint;
    private readonly HashSet<string> _kept = [];

    /// <summary>Rows of a study's printed table.</summary>
    public int Top { get; set; } = 5;

    public static bool Interactive =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with an observer that shows its progress.</summary>
    public static T Run<T>(Func<ConsoleObserver, T> work)
    {
        var observer = new ConsoleObserver();
        if (!Interactive) return work(observer);
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new TimeLeftColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                observer._live = ctx;
                result = work(observer);
                lock (observer._gate)
                    foreach (var task in observer._tasks.Values.Append(observer._study).OfType<ProgressTask>()) task.StopTask();
            });
        return result;
    }

    /// <summary>A line of text: above the live bars on a terminal, as it is (never wrapped) in logs and pipes.</summary>
    public static void WriteLine(string text)
    {
        if (Interactive) AnsiConsole.WriteLine(text);
        else Console.WriteLine(text);
    }

    /// <summary>
    /// A line for stderr (a warning, an interruption): above the live bars on a terminal, so a redraw never hides it. The
    /// terminal discards output it has not shown yet when Ctrl-C is typed (unless NOFLSH is set), which can leave the bars
    /// half drawn and the cursor inside them, so the line clears what it lands on and everything below before the bars are
    /// drawn again.
    /// </summary>
    public static void Notice(string text)
    {
        if (!Interactive)
        {
            Console.Error.WriteLine(text);
            return;
        }
        string plain = new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        AnsiConsole.Write(new ControlCode($"\r{plain}\u001b[K\n\u001b[J"));
    }

    /// <summary>Plain output for logs and pipes: no colours, no cursor movement.</summary>
    public static void ConfigureConsole()
    {
        if (Interactive) return;
        AnsiConsole.Profile.Capabilities.Ansi = false;
        AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
        AnsiConsole.Profile.Capabilities.Unicode = false;
        AnsiConsole.Profile.Width = 120;
    }

    public void Data(string line) => Notice(line);

    public void Warning(string line) => Notice($"warning: {line}");

    public void TrainingStarted(TrainingPlan plan)
    {
        lock (_gate)
        {
            (_training, _epochsDone, _lastPrint) = (plan, 0, 0);
            _sinceStart.Restart();
            if (plan.Labels.Count == 1) WriteLine(ProgressText.Plan(plan));
            if (plan.Data is { MseFloor: > 0 } data)
                Warning($"a sigmoid output cannot reach {data.OutOfRangeFraction * 100:0}% of the {(data.Scaler == ScalerKind.None ? "unscaled" : data.Scaler.Name())} test values (they lie outside [0, 1]), " +
                        $"so no optimizer can get the test MSE below {data.MseFloor:0.####}; use --scaler minmax, or --output linear --loss mse");
            if (plan.Data is { NegativeLosses: true }) Warning(DataSummary.NegativeLossNote);
            if (_live is null) return;
            int width = plan.Labels.Max(l => l.Length);
            foreach (var label in plan.Labels)
            {
                _tasks[label] = _live.AddTask(Markup.Escape(label.PadRight(width)), maxValue: plan.Epochs);
                if (plan.Labels.Count == 1) _tasks[label].Value = plan.ResumedEpochs;
            }
        }
    }

    public void Training(string label, TrainingProgress p)
    {
        // Trials of a study train without a plan of their own: the study's bar counts their epochs.
        if (_studyPlan is not null && _training is null)
        {
            if (p.Completed is not null) lock (_gate) _study?.Increment(1);
            return;
        }
        if (p.Completed is not { } e && _live is null) return;
        lock (_gate)
        {
            var plan = _training!;
            bool single = plan.Labels.Count == 1;
            if (p.Completed is not null) _epochsDone++;
            long toDo = (long)plan.Labels.Count * plan.Epochs - plan.ResumedEpochs;
            var left = ProgressText.Remaining(_sinceStart.Elapsed, _epochsDone, toDo);
            if (_live is not null && _tasks.TryGetValue(label, out var task))
            {
                task.Value = p.Epoch - 1 + (double)p.Batch / p.Batches;
                string name = label.PadRight(plan.Labels.Max(l => l.Length));
                if (p.Completed is { } done)
                {
                    task.Description = Markup.Escape(single
                        ? $"{name}  epoch {done.Epoch}/{plan.Epochs}  train {done.TrainLoss:0.0000}  val {done.EvalLoss:0.0000}"
                        : $"{name}  epoch {done.Epoch}/{plan.Epochs}  val {done.EvalLoss:0.0000}");
                    // A line per finished epoch stays on screen above the bar; several models keep only their bars.
                    if (single && PrintNow(done, plan, 0)) AnsiConsole.WriteLine($"{label}: {ProgressText.Epoch(done, plan.Epochs, plan.SamplesPerEpoch, left)}");
                    else if (!single && done.Epoch == plan.Epochs) AnsiConsole.WriteLine($"{label}: finished {Plural.Count(done.Epoch, "epoch")}, val_loss {F(done.EvalLoss, "0.0000")}");
                }
                return;
            }
            if (p.Completed is { } epoch && PrintNow(epoch, plan, single ? 0 : 5))
                Console.WriteLine($"{label}: {ProgressText.Epoch(epoch, plan.Epochs, single ? plan.SamplesPerEpoch : 0, left)}");
        }
    }

    // A single model prints every epoch (interval 0); several models print about once per interval, the first and the
    // last epochs always.
    private bool PrintNow(EpochRecord epoch, TrainingPlan plan, double interval)
    {
        double now = _clock.Elapsed.TotalSeconds;
        bool print = _epochsDone == 1 || epoch.Epoch == plan.Epochs || now - _lastPrint >= interval;
        if (print) _lastPrint = now;
        return print;
    }

    public void StudyStarted(StudyPlan plan)
    {
        lock (_gate)
        {
            (_studyPlan, _training, _resumedTrials) = (plan, null, plan.FinishedTrials);
            _stageDone.Clear();
            var s = plan.Settings;
            string kind = s.Kind == StudyKind.Tune ? "tune" : "sweep";
            WriteLine($"{kind}: {Plural.Count(plan.Trials.Count, "trial")} on {plan.Dataset} ({plan.TrainSamples:N0} training, {plan.TestSamples:N0} test samples); " +
                      $"{(s.Kind == StudyKind.Tune ? $"{s.Folds}-fold cross-validation, " : "")}{Plural.Count(s.Epochs, "epoch")}; " +
                      $"{Plural.Count(s.Jobs, "job")} × {Plural.Count(Math.Max(1, s.Threads / s.Jobs), "thread")}; study in {plan.Store}");
            if (plan.FinishedTrials > 0) WriteLine($"resuming: {Plural.Count(plan.FinishedTrials, "trial")} of {plan.Trials.Count} already finished");
            if (s.Pruner == Pruner.Halving) WriteLine($"halving: rungs at {string.Join(", ", s.Rungs())} epochs, keeping the best 1/{s.Eta} at each");
            if (s.Pruner == Pruner.Asha) WriteLine($"asha: rungs at {string.Join(", ", s.Rungs())} epochs; a trial goes on as soon as it is in the best 1/{s.Eta} seen at its rung");
            if (_live is null) return;
            _study = _live.AddTask("study", maxValue: Math.Max(1, plan.PlannedEpochs));
            _study.Value = Math.Min(plan.FinishedEpochs, plan.PlannedEpochs);
        }
    }

    public void Study(StudyProgress p)
    {
        if (p.Warning is { } warning) Warning(warning);
        if (p.Promoted is { } up)
            WriteLine($"promoted {up.Trial} to {Plural.Count(up.ToEpochs, "epoch")}: ranked {up.Rank} of {up.Seen} at {Plural.Count(up.FromEpochs, "epoch")}" +
                      (up.Closed ? " (the rung is closed)" : ""));
        if (p.Training is { } training) Training("", training);
        if (p.Finished is not { } r) return;
        lock (_gate)
        {
            // Counted within its pass; a plain study's count starts at the trials a resumed study had already finished.
            int done = _stageDone[p.Stage] = _stageDone.GetValueOrDefault(p.Stage, p.Stage.Rungs == 0 && !p.Stage.Verify ? _resumedTrials : 0) + 1;
            WriteLine(ProgressText.Trial(p.Stage, done, p.Trial!, p.Budget, r, _clock.Elapsed));
            if (_study is not null) _study.Description = Markup.Escape($"study  {ProgressText.Counter(p.Stage, done)}");
        }
    }

    public void ModelStudyStarted(ModelStudyPlan plan) =>
        WriteLine($"{(plan.Label is { } label ? label + ", " : "")}{plan.Dataset}: {plan.Samples:N0} test images; {plan.Parameters:N0} parameters, code size {plan.CodeSize}; {Plural.Count(plan.Threads, "thread")}");

    public void EmbedStarted(EmbedPlan plan) =>
        WriteLine($"{(plan.Method == EmbedMethod.Pca ? "pca" : "tsne")} of {plan.Points:N0} points × {plan.Values} values; {Plural.Count(plan.Threads, "thread")}");

    public void Robustness(Corruption corruption, RobustnessLevel row) =>
        WriteLine($"{RobustnessReport.FileStem(corruption)} {F(row.Level, "0.###")}: reconstruction MSE {F(row.MseMean, "0.000000")} ± {F(row.MseStd, "0.000000")}, " +
                  $"corrupted input {F(row.InputMseMean, "0.000000")}");

    public void StudyFinished(StudyRunResult result) => StudyTable.Print(result.Study, result.Trials, Top);

    public void Phase(PhaseSpec phase, bool kept)
    {
        lock (_gate) if (kept) _kept.Add(phase.Name);
        WriteLine(phase.UseModelOf is { } of ? $"== phase {phase.Name} ({phase.Kind.Name()} of {of}) ==" : $"== phase {phase.Name} ({phase.Kind.Name()}) ==");
    }

    public void PhaseFinished(PhaseSpec phase, PipelineReport.Phase result)
    {
        bool kept;
        lock (_gate) (kept, _training, _studyPlan) = (_kept.Contains(phase.Name), null, null);
        if (phase.Kind == PhaseKind.Train)
            WriteLine(kept ? $"{phase.Name}: model already trained with these settings (test MSE {F(result.TestMse ?? double.NaN, "0.000000")}); kept"
                           : $"{phase.Name}: test MSE {F(result.TestMse ?? double.NaN, "0.000000")}");
        else if (phase.Kind.StudiesModel() && kept) WriteLine($"{phase.Kind.Name()} of this model already done with these settings; kept");
        else if (phase.Kind == PhaseKind.Anomaly && kept) WriteLine($"{phase.Name}: the one-class protocol already done with these settings; kept");
        else if (result.Best is { } best) WriteLine($"best of {phase.Name}: {best}");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
