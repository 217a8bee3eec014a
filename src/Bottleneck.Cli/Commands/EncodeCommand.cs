using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck encode</c>: a checkpoint's codes of a dataset's test images (or of a CSV's rows), with each sample's reconstruction error.</summary>
public static class EncodeCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The model (a model.safetensors written by bottleneck train)", Required = true };
        var points = new Option<string?>("--points") { Description = "A numeric CSV of inputs to encode instead of test images (optional 'label' column), taken as they are" };
        var dataset = DataOptions.CheckpointDataset();
        var dataDir = DataOptions.DataDir();
        var samples = new Option<int?>("--samples") { Description = "Encode only the first N test images (default: all)" };
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("encode", "Codes of a checkpoint for a dataset's test images (codes.csv, for embed --points) and each sample's reconstruction error")
        {
            checkpoint, points, dataset, dataDir, samples, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            var settings = new EncodeRunSettings(parsed.GetValue(checkpoint)!, parsed.GetValue(dataset), parsed.GetValue(points), parsed.GetValue(dataDir),
                                                 parsed.GetValue(samples), parsed.GetValue(threads));
            var result = ConsoleObserver.Run(observer => EncodeRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, default)));
            var r = result.Results;
            Console.WriteLine($"{r.Samples:N0} codes of {r.CodeSize} values; mean reconstruction MSE {r.MeanReconstructionMse.ToString("0.000000", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"results: {result.Directory}");
            return Cli.Success;
        });
        return command;
    }
}
