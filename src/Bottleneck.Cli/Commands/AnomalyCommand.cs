using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck anomaly</c>: the one-class protocol (train on one class, score every test image by reconstruction error, ROC AUC for the rest).</summary>
public static class AnomalyCommand
{
    public static Command Create()
    {
        var dataset = DataOptions.Dataset("fashion-mnist");
        var dataDir = DataOptions.DataDir();
        var limit = DataOptions.Limit();
        var testLimit = DataOptions.TestLimit();
        var normal = new Option<string>("--normal-class") { Description = "The normal classes to take in turn, e.g. 0,3, or all", DefaultValueFactory = _ => "all" };
        var repeat = new Option<int>("--repeat") { Description = "Models (seeds seed, seed+1, …) per normal class, for mean ± std", DefaultValueFactory = _ => 1 };
        var training = new TrainingOptions(epochs: 20);
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Score a dataset's test images with this model instead (threshold chosen on their first half)" };
        var fpr = new Option<double>("--fpr") { Description = "With --checkpoint: the false-positive rate the threshold is chosen for", DefaultValueFactory = _ => 0.05 };
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("anomaly", "One-class anomaly detection: per normal class, train on it alone and score every test image by reconstruction error (ROC AUC, average precision)")
        {
            dataset, dataDir, limit, testLimit, normal, repeat, checkpoint, fpr, seed, threads, outDir,
        };
        training.AddTo(command);
        command.SetAction(parsed =>
        {
            string classes = parsed.GetValue(normal)!;
            if (parsed.GetValue(checkpoint) is { } model)
                return Score(parsed, model, parsed.GetResult(dataset) is { Implicit: false } ? parsed.GetValue(dataset) : null, parsed.GetValue(dataDir),
                             classes, parsed.GetValue(fpr), training.Loss(parsed), parsed.GetValue(threads), outDir);
            var settings = new AnomalyRunSettings(DataOptions.Source(parsed, dataset, dataDir, limit, testLimit),
                                                  training.Settings(parsed, parsed.GetValue(seed), parsed.GetValue(threads)),
                                                  classes == "all" ? null : CommonOptions.IntList(classes, "--normal-class"), parsed.GetValue(repeat));
            using var interrupt = new Interrupt();
            var result = ConsoleObserver.Run(observer => AnomalyRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token)));
            var r = result.Results;
            foreach (var c in r.Classes)
                Console.WriteLine($"class {c.Class} ({c.Name}): ROC AUC {F(c.AucMean)} ± {F(c.AucStd)}, average precision {F(c.AveragePrecisionMean)} ± {F(c.AveragePrecisionStd)}");
            if (r.MeanAuc is { } auc) Console.WriteLine($"mean ROC AUC {F(auc)}, mean average precision {F(r.MeanAveragePrecision!.Value)}; {r.Seconds:0.0} s");
            Console.WriteLine($"results: {result.Directory}");
            if (r.Status != "cancelled") return Cli.Success;
            Console.Error.WriteLine($"error: interrupted; the classes finished so far are in {result.Directory}");
            return Cli.Failed;
        });
        return command;
    }

    // anomaly --checkpoint: one model's scores of a dataset's test images, and a threshold.
    private static int Score(ParseResult parsed, string model, string? dataset, string? dataDir, string classes, double fpr, Losses.LossFunction loss, int threads,
                             Option<string?> outDir)
    {
        var normal = classes == "all" ? null : CommonOptions.IntList(classes, "--normal-class");
        if (normal is { Count: > 1 }) throw new UsageException("--normal-class takes one class with --checkpoint (the class the model was trained on)");
        var settings = new AnomalyScoreRunSettings(model, dataset, dataDir, normal?[0], fpr, loss, threads);
        var result = ConsoleObserver.Run(observer => AnomalyScoreRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, default)));
        var r = result.Results;
        Console.WriteLine($"threshold {F(r.Threshold)} for a false-positive rate of {F(r.TargetFalsePositiveRate)}" +
                          (r.FalsePositiveRate is { } f ? $"; on the other half: false-positive rate {F(f)}, true-positive rate {F(r.TruePositiveRate ?? double.NaN)}, ROC AUC {F(r.Auc ?? double.NaN)}" : ""));
        Console.WriteLine($"results: {result.Directory}");
        return Cli.Success;
    }

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
}
