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

        var command = new Command("train", "Train one autoencoder and save it (model.safetensors, curves, reconstructions)")
        {
            dataset, dataDir, limit, testLimit, seed, threads, outDir,
        };
        training.AddTo(command);
        command.SetAction(parsed =>
        {
            var settings = new TrainRunSettings(DataOptions.Source(parsed, dataset, dataDir, limit, testLimit),
                                                training.Settings(parsed, parsed.GetValue(seed), parsed.GetValue(threads)));
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
        if (t.Status != RunStatus.Diverged)
            Console.WriteLine($"test MSE {t.TestMse.ToString("0.000000", CultureInfo.InvariantCulture)}; {t.ImagesPerSecond:N0} images/s; {t.Seconds:0.0} s");
        Console.WriteLine($"results: {result.Directory}");
        switch (t.Status)
        {
            case RunStatus.Diverged:
                Console.Error.WriteLine($"error: training diverged ({t.Message}); try a smaller --lr. History is in {result.Directory}");
                return Cli.Failed;
            case RunStatus.Cancelled:
                Console.Error.WriteLine($"error: interrupted after {t.Epochs.Count} complete epochs; the model as it stood is saved in {result.Directory}");
                return Cli.Failed;
            default:
                return Cli.Success;
        }
    }
}
