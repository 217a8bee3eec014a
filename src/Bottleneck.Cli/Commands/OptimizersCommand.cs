using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Search;
using Spectre.Console;

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
        var loss = new Option<string>("--loss") { Description = "bce (Keras semantics) or mse", DefaultValueFactory = _ => defaults.Loss };
        loss.AcceptOnlyFromAmong("bce", "mse");
        var output = new Option<string>("--output") { Description = "Decoder output activation: sigmoid or linear", DefaultValueFactory = _ => "sigmoid" };
        output.AcceptOnlyFromAmong("sigmoid", "linear");
        var init = new Option<string>("--init") { Description = "Weight initialisation: glorot (Keras) or kaiming (PyTorch)", DefaultValueFactory = _ => "glorot" };
        init.AcceptOnlyFromAmong("glorot", "kaiming");
        var scaler = new Option<string>("--scaler") { Description = "standard, minmax or none (fitted on the whole set, as study A does)", DefaultValueFactory = _ => defaults.Scaler };
        scaler.AcceptOnlyFromAmong("standard", "minmax", "none");
        var dataset = new Option<string>("--dataset") { Description = "digits (embedded), csv:PATH, or mnist, fashion-mnist, kmnist (pooled, then split)", DefaultValueFactory = _ => "digits" };
        var testSize = new Option<double>("--test-size") { Description = "Fraction held out for testing", DefaultValueFactory = _ => defaults.TestFraction };
        var repeat = new Option<int>("--repeat") { Description = "Seeds per optimizer (seed, seed+1, …) for mean ± std", DefaultValueFactory = _ => 1 };
        var seed = CommonOptions.Seed(defaults.Seed);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("optimizers", "Compare optimizers on one autoencoder (study A: digits, 4 optimizers, 50 epochs)")
        {
            optimizers, lr, convention, epochs, batch, code, hidden, loss, output, init, scaler, dataset, testSize, repeat, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            string lrText = parsed.GetValue(lr)!;
            var settings = new OptimizerStudySettings
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
                Loss = parsed.GetValue(loss)!,
                Output = parsed.GetValue(output) == "linear" ? OutputActivation.Linear : OutputActivation.Sigmoid,
                Init = parsed.GetValue(init) == "kaiming" ? InitScheme.KaimingUniform : InitScheme.GlorotUniform,
                Scaler = parsed.GetValue(scaler)!,
                TestFraction = parsed.GetValue(testSize),
                Seed = parsed.GetValue(seed),
                Repeats = parsed.GetValue(repeat),
                Threads = parsed.GetValue(threads),
            };
            settings.Validate();
            CommonOptions.CheckOut(parsed.GetValue(outDir));
            string datasetName = parsed.GetValue(dataset)!;
            var data = DatasetCatalog.Load(datasetName, log: line => Console.Error.WriteLine(line));
            // Everything that can be wrong with the input is found before the run directory exists.
            var warnings = OptimizerComparison.Prepare(settings, data).Warnings;
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "optimizers", started);
            foreach (var warning in warnings) Console.Error.WriteLine($"warning: {warning}");
            return Run(settings, data, datasetName, dir, new Provenance(CommonOptions.CommandLine(parsed), started, settings.Threads));
        });
        return command;
    }

    private static int Run(OptimizerStudySettings settings, Dataset data, string datasetName, RunDirectory dir, Provenance provenance)
    {
        using var interrupt = new Interrupt();
        var labels = (from r in Enumerable.Range(0, settings.Repeats) from o in settings.Optimizers select Label(o, r, settings.Repeats)).ToList();
        var result = TrainingDisplay.Run(labels, settings.Epochs, report =>
            OptimizerComparison.Run(settings, data, p => report(Label(p.Optimizer, p.Repeat, settings.Repeats), p.Training), interrupt.Token));

        OptimizerStudyReport.Write(dir, result, provenance);
        PrintRanking(result, StudyAReference.Applies(settings, datasetName));
        Console.WriteLine($"results: {dir.Path}");
        if (result.Cancelled)
        {
            Console.Error.WriteLine($"error: interrupted; finished runs are saved in {dir.Path}");
            return Cli.Failed;
        }
        return Cli.Success;
    }

    private static string Label(string optimizer, int repeat, int repeats) =>
        repeats > 1 ? $"{OptimizerSettings.DisplayName(optimizer)} #{repeat + 1}" : OptimizerSettings.DisplayName(optimizer);

    private static void PrintRanking(OptimizerStudyResult result, bool showReference)
    {
        bool repeated = result.Settings.Repeats > 1;
        var table = new Table().Border(TableBorder.Simple).Title($"Test MSE on {result.Data.Name} ({result.Data.Test} test samples)");
        table.AddColumn("rank");
        table.AddColumn("optimizer");
        table.AddColumn(new TableColumn(repeated ? "test MSE (mean ± std)" : "test MSE").RightAligned());
        if (showReference)
        {
            table.AddColumn(new TableColumn("Keras (published)").RightAligned());
            table.AddColumn(new TableColumn("PyTorch 1.13").RightAligned());
        }
        table.AddColumn("status");
        foreach (var r in result.Ranking)
        {
            string mse = !double.IsFinite(r.MeanTestMse) ? "—" : repeated ? $"{r.MeanTestMse:0.0000} ± {r.StdTestMse:0.0000}" : $"{r.MeanTestMse:0.0000}";
            var cells = new List<string> { r.Rank.ToString(CultureInfo.InvariantCulture), OptimizerSettings.DisplayName(r.Optimizer), mse };
            if (showReference)
            {
                var reference = StudyAReference.TestMse.TryGetValue(r.Optimizer, out var v) ? v : (double.NaN, double.NaN);
                cells.Add(double.IsFinite(reference.Item1) ? $"{reference.Item1:0.0000}" : "");
                cells.Add(double.IsFinite(reference.Item2) ? $"{reference.Item2:0.0000}" : "");
            }
            cells.Add(r.Status);
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        AnsiConsole.Write(table);
        if (result.Data.MseFloor > 0)
            Console.WriteLine($"floor: no model with a sigmoid output can score below {result.Data.MseFloor:0.0000} on this test set");
    }
}
