using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck train</c>: trains one autoencoder and saves it with its curves and reconstructions.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = DataOptions.Dataset("fashion-mnist");
        var dataDir = DataOptions.DataDir();
        var limit = DataOptions.Limit();
        var testLimit = DataOptions.TestLimit();
        var training = new TrainingOptions(epochs: 10);
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();
        var resume = new Option<string?>("--resume")
        {
            Description = "Go on with the run in this directory from its last finished epoch (with --epochs, train a finished run longer)",
        };

        var profile = new Option<bool>("--profile")
        {
            Description = "Time every layer's forward pass, weight gradient and input gradient, and print where the time went with the GFLOP/s reached against the machine's peak",
        };

        var command = new Command("train", "Train one autoencoder and save it (model.safetensors, curves, reconstructions); resumable")
        {
            dataset, dataDir, limit, testLimit, seed, threads, outDir, resume, profile,
        };
        training.AddTo(command);
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(resume) is { } dir)
            {
                CommonOptions.RefuseChangesOnResume(parsed, [resume, training.EpochsOption, threads, dataDir], "training run");
                var resumeSettings = new TrainResumeSettings(dir, training.GivenEpochs(parsed), parsed.GetValue(threads), parsed.GetValue(dataDir));
                using var resumeInterrupt = new Interrupt();
                return Report(ConsoleObserver.Run(observer => TrainRun.Resume(resumeSettings, CommonOptions.Context(parsed, outDir, observer, resumeInterrupt.Token))));
            }
            var settings = new TrainRunSettings(DataOptions.Source(parsed, dataset, dataDir, limit, testLimit),
                                                training.Settings(parsed, parsed.GetValue(seed), parsed.GetValue(threads)) with { Profile = parsed.GetValue(profile) });
            settings.Validate();
            foreach (var warning in training.IgnoredWithModelFile(parsed)) Console.Error.WriteLine($"warning: {warning}");
            using var interrupt = new Interrupt();
            var result = ConsoleObserver.Run(observer => TrainRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token)));
            return Report(result);
        });
        return command;
    }

    private static int Report(TrainRunResult result)
    {
        var t = result.Training;
        if (t.Profile is { } profile) ProfileTable.Print(profile);
        if (t.Status != RunStatus.Diverged)
        {
            string baselines = result.Results.Baselines is { } b ? $" (predicting the mean training sample: {F(b.MeanImage)}, zeros: {F(b.Zeros)})" : "";
            Console.WriteLine($"test MSE {F(t.TestMse)}{baselines}; {t.ImagesPerSecond:N0} images/s; {t.Seconds:0.0} s");
        }
        foreach (var warning in result.Results.Warnings ?? []) Console.Error.WriteLine($"warning: {warning}");
        Console.WriteLine($"results: {result.Directory}");
        switch (t.Status)
        {
            case RunStatus.Diverged:
                Console.Error.WriteLine($"error: training diverged ({t.Message}); try a smaller --lr. History is in {result.Directory}");
                return Cli.Failed;
            case RunStatus.Cancelled:
                Console.Error.WriteLine($"error: interrupted after {Plural.Count(t.Epochs.Count, "finished epoch")}; the model as it stood is saved, and " +
                                        $"bottleneck train --resume {CommonOptions.ShellQuoted(result.Directory)} goes on from the last finished epoch");
                return Cli.Failed;
            default:
                return Cli.Success;
        }
    }

    private static string F(double value) => value.ToString("0.000000", CultureInfo.InvariantCulture);
}
