using System.CommandLine;
using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck robustness</c>: noise and occlusion curves of a checkpoint on the test images.</summary>
public static class RobustnessCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The model to test (a model.safetensors written by train)", Required = true };
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
            checkpoint, dataset, dataDir, samples, noise, occlusion, block, clip, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(checkpoint)!;
            var partial = new RobustnessSettings
            {
                Checkpoint = path,
                Dataset = parsed.GetValue(dataset),
                Samples = parsed.GetValue(samples),
                NoiseLevels = ParseLevels(parsed.GetValue(noise)!, "--noise"),
                OcclusionLevels = ParseLevels(parsed.GetValue(occlusion)!, "--occlusion"),
                Block = parsed.GetValue(block),
                Clip = parsed.GetValue(clip),
                Seed = parsed.GetValue(seed),
                Threads = parsed.GetValue(threads),
            };
            var (settings, model, test) = Prepare(partial, parsed.GetValue(dataDir), "--checkpoint ");
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "robustness", started);
            return Run(settings, model, test, dir, new Provenance(CommonOptions.CommandLine(parsed), started, settings.Threads));
        });
        return command;
    }

    /// <summary>
    /// Checks the settings, loads the checkpoint and the first <c>Samples</c> test images of the dataset (by default the one the
    /// model was trained on, split with its training seed), and checks they fit: what the command and a pipeline's robustness
    /// phase both do first.
    /// </summary>
    public static (RobustnessSettings Settings, Autoencoder Model, Dataset Test) Prepare(RobustnessSettings partial, string? dataDir, string what = "")
    {
        string path = partial.Checkpoint;
        partial.Validate();
        if (Directory.Exists(path)) throw new UsageException($"{what}{path} is a directory; give its model.safetensors");
        if (!File.Exists(path)) throw new UsageException($"{what}{path} does not exist");
        var (model, _, metadata) = Checkpoint.Load(path);
        var (test, dataset, splitSeed) = DataOptions.TestImagesFor(path, model, metadata, partial.Dataset, dataDir, partial.Samples, partial.Seed);
        return (partial with { Dataset = dataset, SplitSeed = splitSeed }, model, test);
    }

    /// <summary>The curves and files of a robustness run, with a line per level on stdout.</summary>
    public static int Run(RobustnessSettings settings, Autoencoder model, Dataset test, RunDirectory dir, Provenance provenance)
    {
        Console.WriteLine($"{test.Name}: {test.Count:N0} test images; {model.ParameterCount:N0} parameters, code size {model.CodeSize}; {settings.Threads} threads");
        RobustnessReport.Run(dir, settings, model, test, provenance,
            (name, row) => Console.WriteLine($"{name} {F(row.Level, "0.###")}: reconstruction MSE {F(row.MseMean, "0.000000")} ± {F(row.MseStd, "0.000000")}, " +
                                             $"corrupted input {F(row.InputMseMean, "0.000000")}"));
        Console.WriteLine($"results: {dir.Path}");
        return Cli.Success;
    }

    /// <summary>"start:stop:step" (stop included, within rounding) or a comma list, e.g. "0:1:0.1" or "0,0.25,0.5".</summary>
    public static IReadOnlyList<double> ParseLevels(string text, string option)
    {
        text = text.Trim();
        if (text.Length == 0) return [];
        if (text.Contains(':'))
        {
            var parts = text.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 3) throw new UsageException($"{option} {text}: a range is start:stop:step, e.g. 0:1:0.1");
            double start = Number(parts[0], text, option), stop = Number(parts[1], text, option), step = Number(parts[2], text, option);
            if (!(step > 0)) throw new UsageException($"{option} {text}: the step must be positive");
            if (stop < start) throw new UsageException($"{option} {text}: stop {parts[1]} is below start {parts[0]}");
            long count = (long)Math.Floor((stop - start) / step + 1e-9) + 1;
            if (count > 10_000) throw new UsageException($"{option} {text}: {count:N0} levels is too many (at most 10,000)");
            return [.. Enumerable.Range(0, (int)count).Select(i => Math.Round(start + i * step, 12))];
        }
        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => Number(s, text, option))];
    }

    private static double Number(string s, string text, string option) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new UsageException($"{option} {text}: '{s}' is not a number");

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
