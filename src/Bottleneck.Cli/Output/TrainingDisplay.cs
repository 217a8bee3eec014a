using System.Diagnostics;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary>
/// Progress of several training runs at once: live bars with ETA on a terminal, or plain
/// lines (about ten per run, with an overall ETA) when output is redirected or CI is set.
/// </summary>
public static class TrainingDisplay
{
    public static bool Interactive =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="work"/>, giving it a callback to report progress of the run with a given
    /// label. With <paramref name="samplesPerEpoch"/>, epochs also report images per second, and plain
    /// output has a line for every epoch.
    /// </summary>
    public static T Run<T>(IReadOnlyList<string> labels, int epochs, Func<Action<string, TrainingProgress>, T> work, int samplesPerEpoch = 0) =>
        Interactive ? Live(labels, epochs, work, samplesPerEpoch) : Plain(labels.Count, epochs, work, samplesPerEpoch);

    private static string Throughput(EpochRecord e, int samplesPerEpoch) =>
        samplesPerEpoch > 0 && e.TrainSeconds > 0 ? $"  {samplesPerEpoch / e.TrainSeconds:N0} img/s" : "";

    private static T Live<T>(IReadOnlyList<string> labels, int epochs, Func<Action<string, TrainingProgress>, T> work, int samplesPerEpoch)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                int width = labels.Max(l => l.Length);
                var tasks = labels.ToDictionary(l => l, l => ctx.AddTask(Markup.Escape(l.PadRight(width)), maxValue: epochs));
                result = work((label, p) =>
                {
                    var task = tasks[label];
                    task.Value = p.Epoch - 1 + (double)p.Batch / p.Batches;
                    if (p.Completed is { } e)
                        task.Description = Markup.Escape($"{label.PadRight(width)}  val {e.ValLoss:0.0000}{Throughput(e, samplesPerEpoch)}");
                });
                foreach (var task in tasks.Values) task.StopTask();
            });
        return result;
    }

    // At most one line every few seconds, plus one per finished run, so logs stay readable;
    // a single run with a known epoch size gets a line for every epoch.
    private static T Plain<T>(int runs, int epochs, Func<Action<string, TrainingProgress>, T> work, int samplesPerEpoch)
    {
        double interval = runs == 1 && samplesPerEpoch > 0 ? 0 : 5;
        var clock = Stopwatch.StartNew();
        var gate = new object();
        double lastPrint = 0;
        int done = 0;
        return work((label, p) =>
        {
            if (p.Completed is not { } e) return;
            int finished = Interlocked.Increment(ref done);
            lock (gate)
            {
                double now = clock.Elapsed.TotalSeconds;
                if (e.Epoch != epochs && now - lastPrint < interval) return;
                lastPrint = now;
                double fraction = (double)finished / (runs * epochs);
                var eta = TimeSpan.FromSeconds(now * (1 - fraction) / fraction);
                string state = e.Epoch == epochs ? "done" : $"eta {eta:h\\:mm\\:ss}";
                Console.WriteLine($"{label}: epoch {e.Epoch}/{epochs} train_loss {e.TrainLoss:0.0000} val_loss {e.ValLoss:0.0000}{Throughput(e, samplesPerEpoch)} ({state})");
            }
        });
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
}
