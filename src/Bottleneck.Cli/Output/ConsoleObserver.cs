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
    private int _epochsDone, _trialsDone;
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
                     new RemainingTimeColumn(), new SpinnerColumn())
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

    /// <summary>Plain output for logs and pipes: no colours, no cursor movement.</summary>
    public static void ConfigureConsole()
    {
        if (Interactive) return;
        AnsiConsole.Profile.Capabilities.Ansi = false;
        AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
        AnsiConsole.Profile.Capabilities.Unicode = false;
        AnsiConsole.Profile.Width = 120;
    }

    public void Data(string line) => Console.Error.WriteLine(line);

    public void Warning(string line) => Console.Error.WriteLine($"warning: {line}");

    public void TrainingStarted(TrainingPlan plan)
    {
        lock (_gate)
        {
            (_training, _epochsDone, _lastPrint) = (plan, 0, 0);
            if (plan.Labels.Count == 1)
                WriteLine($"{plan.Dataset}: {plan.SamplesPerEpoch:N0} training and {plan.TestSamples:N0} test samples; {plan.Model}; {Threads(plan.Threads)}");
            if (plan.Data is { MseFloor: > 0 } data)
                Warning($"a sigmoid output cannot reach {data.OutOfRangeFraction * 100:0}% of the {(data.Scaler == ScalerKind.None ? "unscaled" : data.Scaler.Name())} test values (they lie outside [0, 1]), " +
                        $"so no optimizer can get the test MSE below {data.MseFloor:0.####}; use --scaler minmax, or --output linear --loss mse");
            if (_live is null) return;
            int width = plan.Labels.Max(l => l.Length);
            foreach (var label in plan.Labels) _tasks[label] = _live.AddTask(Markup.Escape(label.PadRight(width)), maxValue: plan.Epochs);
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
            if (_live is not null && _tasks.TryGetValue(label, out var task))
            {
                task.Value = p.Epoch - 1 + (double)p.Batch / p.Batches;
                if (p.Completed is { } done)
                    task.Description = Markup.Escape($"{label.PadRight(plan.Labels.Max(l => l.Length))}  val {done.EvalLoss:0.0000}{Throughput(done, plan)}");
                return;
            }
            if (p.Completed is not { } epoch) return;
            int finished = ++_epochsDone;
            double now = _clock.Elapsed.TotalSeconds;
            double interval = plan.Labels.Count == 1 ? 0 : 5;
            if (epoch.Epoch != plan.Epochs && now - _lastPrint < interval) return;
            _lastPrint = now;
            double fraction = (double)finished / (plan.Labels.Count * plan.Epochs);
            var eta = TimeSpan.FromSeconds(now * (1 - fraction) / fraction);
            string state = epoch.Epoch == plan.Epochs ? "done" : $"eta {eta:h\\:mm\\:ss}";
            Console.WriteLine($"{label}: epoch {epoch.Epoch}/{plan.Epochs} train_loss {epoch.TrainLoss:0.0000} val_loss {epoch.EvalLoss:0.0000}{Throughput(epoch, plan)} ({state})");
        }
    }

    public void StudyStarted(StudyPlan plan)
    {
        lock (_gate)
        {
            (_studyPlan, _training, _trialsDone) = (plan, null, 0);
            var s = plan.Settings;
            string kind = s.Kind == StudyKind.Tune ? "tune" : "sweep";
            WriteLine($"{kind}: {plan.Trials.Count} trials on {plan.Dataset} ({plan.TrainSamples:N0} training, {plan.TestSamples:N0} test samples); " +
                      $"{(s.Kind == StudyKind.Tune ? $"{s.Folds}-fold cross-validation, " : "")}{s.Epochs} epochs; " +
                      $"{s.Jobs} jobs × {Threads(Math.Max(1, s.Threads / s.Jobs))}; study in {plan.Store}");
            if (s.Halving) WriteLine($"halving: rungs at {string.Join(", ", s.Rungs())} epochs, keeping the best 1/{s.Eta} at each");
            if (_live is not null) _study = _live.AddTask("study", maxValue: Math.Max(1, plan.PlannedEpochs));
        }
    }

    public void Study(StudyProgress p)
    {
        if (p.Warning is { } warning) Warning(warning);
        if (p.Training is { } training) Training("", training);
        if (p.Finished is not { } r) return;
        lock (_gate)
        {
            int done = ++_trialsDone;
            string score = r.Status == TrialStatus.Diverged ? "diverged"
                : r.Folds.Count > 1 ? $"score {r.Score:0.000000} (validation {r.MeanEvalLoss:0.000000} ± {r.StdEvalLoss:0.000000} over {r.Folds.Count} folds)"
                : $"score {r.Score:0.000000} (final test loss {r.MeanEvalLoss:0.000000})";
            WriteLine($"[{done}/{_studyPlan?.Trials.Count}] {p.Trial} at {p.Budget} epochs: {score}; {_clock.Elapsed:h\\:mm\\:ss} elapsed");
        }
    }

    public void ModelStudyStarted(ModelStudyPlan plan) =>
        WriteLine($"{plan.Dataset}: {plan.Samples:N0} test images; {plan.Parameters:N0} parameters, code size {plan.CodeSize}; {Threads(plan.Threads)}");

    public void EmbedStarted(EmbedPlan plan) =>
        WriteLine($"{(plan.Method == EmbedMethod.Pca ? "pca" : "tsne")} of {plan.Points:N0} points × {plan.Values} values; {Threads(plan.Threads)}");

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
            WriteLine(kept ? $"final model already trained with these settings (test MSE {F(result.TestMse ?? double.NaN, "0.000000")}); kept"
                           : $"{phase.Name}: test MSE {F(result.TestMse ?? double.NaN, "0.000000")}");
        else if (phase.Kind.StudiesModel() && kept) WriteLine($"{phase.Kind.Name()} of this model already done with these settings; kept");
        else if (result.Best is { } best) WriteLine($"best of {phase.Name}: {best}");
    }

    private static string Threads(int n) => n == 1 ? "1 thread" : $"{n} threads";

    private static string Throughput(EpochRecord e, TrainingPlan plan) =>
        plan.Labels.Count == 1 && e.TrainSeconds > 0 ? $"  {plan.SamplesPerEpoch / e.TrainSeconds:N0} img/s" : "";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
