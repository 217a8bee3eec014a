using System.CommandLine;
using Bottleneck.Analysis;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck robustness</c>: noise and occlusion curves of one checkpoint, or of several on one chart, on the test images.</summary>
public static class RobustnessCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string[]>("--checkpoint")
        {
            Description = "The model to test (a model.safetensors written by train); repeat it to compare models on one chart", Required = true,
        };
        var label = new Option<string[]>("--label") { Description = "A name for each --checkpoint, in order (default: its run directory's name)" };
        var dataset = DataOptions.CheckpointDataset();
        var dataDir = DataOptions.DataDir();
        var samples = new Option<int>("--samples") { Description = "Use the first N test images", DefaultValueFactory = _ => 1000 };
        var noise = new Option<string>("--noise") { Description = "Noise levels α: start:stop:step (stop included) or a list, e.g. 0,0.2,0.5", DefaultValueFactory = _ => "0:1:0.1" };
        var occlusion = new Option<string>("--occlusion") { Description = "Occluded fractions: start:stop:step or a list", DefaultValueFactory = _ => "0:1:0.1" };
        var block = new Option<bool>("--block") { Description = "Occlude one square block of the given area instead of scattered pixels" };
        var clip = new Option<bool>("--clip") { Description = "Clip noisy images to [0, 1]" };
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("robustness", "Reconstruction error of a checkpoint under Gaussian noise and occlusion (CSV, charts, example images)")
        {
            checkpoint, label, dataset, dataDir, samples, noise, occlusion, block, clip, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            var settings = new RobustnessSettings
            {
                Checkpoint = parsed.GetValue(checkpoint)![0],
                Compare = parsed.GetValue(checkpoint)![1..],
                Labels = parsed.GetValue(label) ?? [],
                Dataset = parsed.GetValue(dataset),
                Samples = parsed.GetValue(samples),
                NoiseLevels = Levels.Parse(parsed.GetValue(noise)!, "noise"),
                OcclusionLevels = Levels.Parse(parsed.GetValue(occlusion)!, "occlusion"),
                Block = parsed.GetValue(block),
                Clip = parsed.GetValue(clip),
                Seed = parsed.GetValue(seed),
                Threads = parsed.GetValue(threads),
            };
            var result = ConsoleObserver.Run(observer =>
                RobustnessRun.Execute(new RobustnessRunSettings(settings, parsed.GetValue(dataDir)), CommonOptions.Context(parsed, outDir, observer, default)));
            Console.WriteLine($"results: {result.Directory}");
            return Cli.Success;
        });
        return command;
    }
}
