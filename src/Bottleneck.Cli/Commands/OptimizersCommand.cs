using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Runs;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck optimizers</c>: study A (one autoencoder, several optimizers, test MSE each).</summary>
public static class OptimizersCommand
{
    public static Command Create()
    {
        var defaults = new OptimizerStudySettings();
        var optimizers = new Option<string>("--optimizers") { Description = $"Comma-separated: {string.Join(", ", OptimizerSettings.Names)}", DefaultValueFactory = _ => string.Join(',', defaults.Optimizers) };
        var lr = new Option<string>("--lr") { Description = "Learning rate for every optimizer, or 'default' for each one's own", DefaultValueFactory = _ => "0.001" };
        var convention = new Option<string>("--defaults") { Description = "Whose default hyperparameters: keras or pytorch", DefaultValueFactory = _ => "keras" };
        convention.AcceptOnlyFromAmong("keras", "pytorch");
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => defaults.BatchSize };
        var code = new Option<int>("--code-size") { Description = "Size of the code (bottleneck) layer", DefaultValueFactory = _ => defaults.CodeSize };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer sizes between input and code, e.g. 128,64 (default none)" };
        var loss = new Option<string>("--loss") { Description = "bce (Keras semantics) or mse", DefaultValueFactory = _ => defaults.Loss.Name() };
        loss.AcceptOnlyFromAmong([.. LossFunctions.Names]);
        var output = new Option<string>("--output") { Description = "Decoder output activation: sigmoid or linear", DefaultValueFactory = _ => "sigmoid" };
        output.AcceptOnlyFromAmong("sigmoid", "linear");
        var init = new Option<string>("--init") { Description = "Weight initialisation: glorot (Keras) or kaiming (PyTorch)", DefaultValueFactory = _ => "glorot" };
        init.AcceptOnlyFromAmong("glorot", "kaiming");
        var scaler = new Option<string>("--scaler") { Description = "standard, minmax or none (fitted on the whole set, as study A does)", DefaultValueFactory = _ => defaults.Scaler.Name() };
        scaler.AcceptOnlyFromAmong([.. ScalerKinds.Names]);
        var dataset = new Option<string>("--dataset") { Description = "digits (embedded), csv:PATH, npy:PATH, npz:PATH, idx:DIR, images:DIR, or mnist, fashion-mnist, kmnist (pooled, then split)", DefaultValueFactory = _ => "digits" };
        var dataDir = DataOptions.DataDir();
        var testSize = new Option<double>("--test-size") { Description = "Fraction held out for testing", DefaultValueFactory = _ => defaults.TestFraction };
        var testLimit = DataOptions.TestLimit();
        var scheduler = TrainingOptions.Scheduler();
        var earlyStopping = TrainingOptions.EarlyStoppingOption();
        var resume = new Option<string?>("--resume") { Description = "Go on with the study in this directory, each run from its last finished epoch" };
        var repeat = new Option<int>("--repeat") { Description = "Seeds per optimizer (seed, seed+1, …) for mean ± std", DefaultValueFactory = _ => 1 };
        var seed = CommonOptions.Seed(defaults.Seed);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("optimizers", "Compare optimizers on one autoencoder (study A: digits, 4 optimizers, 50 epochs)")
        {
            optimizers, lr, convention, epochs, batch, code, hidden, loss, output, init, scaler, dataset, dataDir, testSize, testLimit, scheduler, earlyStopping,
            repeat, seed, threads, outDir, resume,
        };
        command.SetAction(parsed =>
        {
            using var interrupt = new Interrupt();
            if (parsed.GetValue(resume) is { } dir)
            {
                CommonOptions.RefuseChangesOnResume(parsed, [resume, epochs, threads, dataDir], "study");
                int? givenEpochs = parsed.GetResult(epochs) is { Implicit: false } ? parsed.GetValue(epochs) : null;
                var resumeSettings = new OptimizersResumeSettings(dir, givenEpochs, parsed.GetValue(threads), parsed.GetValue(dataDir));
                return Report(ConsoleObserver.Run(observer => OptimizersRun.Resume(resumeSettings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token))));
            }
            string lrText = parsed.GetValue(lr)!;
            var study = new OptimizerStudySettings
            {
                Optimizers = CommonOptions.NameList(parsed.GetValue(optimizers)!),
                LearningRate = lrText == "default" ? null
                    : double.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) ? rate
                    : throw new UsageException($"--lr: '{lrText}' is not a number (or 'default')"),
                Convention = parsed.GetValue(convention) == "pytorch" ? OptimizerConvention.PyTorch : OptimizerConvention.Keras,
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batch),
                CodeSize = parsed.GetValue(code),
                Hidden = CommonOptions.IntList(parsed.GetValue(hidden), "--hidden"),
                Loss = LossFunctions.Parse(parsed.GetValue(loss)!),
                Output = parsed.GetValue(output) == "linear" ? OutputActivation.Linear : OutputActivation.Sigmoid,
                Init = parsed.GetValue(init) == "kaiming" ? InitScheme.KaimingUniform : InitScheme.GlorotUniform,
                Scaler = ScalerKinds.Parse(parsed.GetValue(scaler)!),
                TestFraction = parsed.GetValue(testSize),
                TestLimit = parsed.GetValue(testLimit),
                Schedule = TrainingOptions.ScheduleOf(parsed.GetValue(scheduler)),
                EarlyStopping = parsed.GetValue(earlyStopping),
                Seed = parsed.GetValue(seed),
                Repeats = parsed.GetValue(repeat),
                Threads = parsed.GetValue(threads),
            };
            var settings = new OptimizersRunSettings(parsed.GetValue(dataset)!, parsed.GetValue(dataDir), study);
            return Report(ConsoleObserver.Run(observer => OptimizersRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token))));
        });
        return command;
    }

    private static int Report(OptimizersRunResult result)
    {
        OptimizerTable.Print(result.Study, result.IsStudyA);
        Console.WriteLine($"results: {result.Directory}");
        if (!result.Study.Cancelled) return Cli.Success;
        Console.Error.WriteLine($"error: interrupted; finished epochs are saved in {result.Directory}, and " +
                                $"bottleneck optimizers --resume {CommonOptions.ShellQuoted(result.Directory)} goes on from them");
        return Cli.Failed;
    }
}
