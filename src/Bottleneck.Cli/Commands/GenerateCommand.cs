using System.CommandLine;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck generate</c>: a variational autoencoder's samples from the prior, interpolations and (2-D code) manifold grid.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A variational model (train --model vae-lab or vae-dense)", Required = true };
        var dataset = DataOptions.CheckpointDataset();
        var dataDir = DataOptions.DataDir();
        var samples = new Option<int>("--samples") { Description = "Draws from the prior N(0, I)", DefaultValueFactory = _ => 64 };
        var pairs = new Option<int>("--pairs") { Description = "Pairs of test images to interpolate between", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Images per interpolation, both ends included", DefaultValueFactory = _ => 10 };
        var grid = new Option<int>("--grid") { Description = "Side of the manifold grid (2-D codes)", DefaultValueFactory = _ => 15 };
        var seed = CommonOptions.Seed(0);
        var outDir = CommonOptions.Out();

        var command = new Command("generate", "Samples of a variational autoencoder: prior draws, interpolations between test images, and the manifold grid of a 2-D code (PNG grids, report)")
        {
            checkpoint, dataset, dataDir, samples, pairs, steps, grid, seed, outDir,
        };
        command.SetAction(parsed =>
        {
            var settings = new GenerateRunSettings(parsed.GetValue(checkpoint)!, parsed.GetValue(dataset), parsed.GetValue(dataDir), parsed.GetValue(samples),
                                                   parsed.GetValue(pairs), parsed.GetValue(steps), parsed.GetValue(grid), parsed.GetValue(seed));
            var result = ConsoleObserver.Run(observer => GenerateRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, default)));
            var r = result.Results;
            Console.WriteLine($"{r.Samples} prior samples, {r.Pairs} interpolations{(r.Grid is { } g ? $", a {g}×{g} manifold grid" : "")} of a {r.CodeSize}-D code");
            Console.WriteLine($"results: {result.Directory}");
            return Cli.Success;
        });
        return command;
    }
}
