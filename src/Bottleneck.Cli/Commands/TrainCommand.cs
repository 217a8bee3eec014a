using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
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
        var model = new Option<string>("--model") { Description = "lab (study B's conv autoencoder), dense, or a model file (.yaml/.json)", DefaultValueFactory = _ => "lab" };
        var code = new Option<int>("--code-size") { Description = "Code size for the lab and dense presets", DefaultValueFactory = _ => 20 };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer sizes of the dense preset, e.g. 256,64" };
        var optimizer = new Option<string>("--optimizer") { Description = string.Join(", ", OptimizerSettings.Names), DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay (PyTorch semantics; decoupled for adamw)", DefaultValueFactory = _ => 0 };
        var convention = new Option<string>("--defaults") { Description = "Other optimizer hyperparameters from: pytorch or keras", DefaultValueFactory = _ => "pytorch" };
        convention.AcceptOnlyFromAmong("pytorch", "keras");
        var loss = new Option<string>("--loss") { Description = "mse or bce", DefaultValueFactory = _ => "mse" };
        loss.AcceptOnlyFromAmong("mse", "bce");
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("train", "Train one autoencoder and save it (model.safetensors, curves, reconstructions)")
        {
            dataset, dataDir, limit, model, code, hidden, optimizer, lr, weightDecay, convention, loss, epochs, batch, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            string optimizerName = parsed.GetValue(optimizer)!.ToLowerInvariant();
            if (!OptimizerSettings.Names.Contains(optimizerName))
                throw new UsageException($"unknown optimizer '{optimizerName}' (expected one of {string.Join(", ", OptimizerSettings.Names)})");
            var optimizerSettings = OptimizerSettings.Defaults(optimizerName,
                parsed.GetValue(convention) == "keras" ? OptimizerConvention.Keras : OptimizerConvention.PyTorch) with
            {
                LearningRate = parsed.GetValue(lr),
                WeightDecay = parsed.GetValue(weightDecay),
            };
            uint seedValue = parsed.GetValue(seed);
            string modelName = parsed.GetValue(model)!;
            var partial = new TrainSettings
            {
                Model = Presets.Lab(1),
                ModelName = modelName,
                Optimizer = optimizerSettings,
                Loss = parsed.GetValue(loss)!,
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batch),
                Seed = seedValue,
                Threads = parsed.GetValue(threads),
            };
            partial.Validate();
            int codeSize = parsed.GetValue(code);
            if (codeSize < 1) throw new UsageException($"--code-size must be at least 1, got {codeSize}");
            var hiddenSizes = CommonOptions.IntList(parsed.GetValue(hidden), "--hidden");
            // An unknown preset or a bad model file is bad usage, found before data is loaded (or downloaded).
            var modelFor = ModelCatalog.Resolve(modelName, codeSize, hiddenSizes);
            if (!Presets.Names.Contains(modelName))
                foreach (var option in new Option[] { code, hidden })
                    if (parsed.GetResult(option) is { Implicit: false })
                        Console.Error.WriteLine($"warning: {option.Name} is ignored: the model file {modelName} sets the architecture");

            CommonOptions.CheckOut(parsed.GetValue(outDir));
            var (train, test) = DataOptions.Load(parsed.GetValue(dataset)!, parsed.GetValue(dataDir), parsed.GetValue(limit), seedValue);
            var settings = partial with { Model = modelFor(train.SampleShape) };
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "train", started);
            return Run(settings, train, test, dir, new Provenance(CommonOptions.CommandLine(parsed), started, settings.Threads));
        });
        return command;
    }

    private static int Run(TrainSettings settings, Dataset train, Dataset test, RunDirectory dir, Provenance provenance)
    {
        void Describe(Autoencoder model) =>
            TrainingDisplay.WriteLine($"{train.Name}: {train.Count:N0} training and {test.Count:N0} test samples; {settings.ModelName} model, " +
                                      $"{model.ParameterCount:N0} parameters, code size {model.CodeSize}; {settings.Threads} threads");

        using var interrupt = new Interrupt();
        var outcome = TrainingDisplay.Run(["train"], settings.Epochs,
            report => ModelTraining.Run(settings, train, test, p => report("train", p), interrupt.Token, Describe), samplesPerEpoch: train.Count);
        TrainReport.Write(dir, settings, train, test, outcome, provenance);

        if (outcome.Training.Status != RunStatus.Diverged)
            Console.WriteLine($"test MSE {outcome.TestMse.ToString("0.000000", CultureInfo.InvariantCulture)}; " +
                              $"{outcome.ImagesPerSecond:N0} images/s; {outcome.Seconds:0.0} s");
        Console.WriteLine($"results: {dir.Path}");
        switch (outcome.Training.Status)
        {
            case RunStatus.Diverged:
                Console.Error.WriteLine($"error: training diverged ({outcome.Training.Message}); try a smaller --lr. History is in {dir.Path}");
                return Cli.Failed;
            case RunStatus.Cancelled:
                Console.Error.WriteLine($"error: interrupted after {outcome.Training.Epochs.Count} complete epochs; the model as it stood is saved in {dir.Path}");
                return Cli.Failed;
            default:
                return Cli.Success;
        }
    }
}
