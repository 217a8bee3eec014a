using System.CommandLine;
using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck embed</c>: a 2-D t-SNE or PCA map of a checkpoint's code space, or of any points in a CSV file.</summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A model.safetensors written by bottleneck train: embeds the codes of --dataset's test images" };
        var points = new Option<string?>("--points") { Description = "A numeric CSV of vectors to embed (optional 'label' column)" };
        var dataset = DataOptions.CheckpointDataset();
        var dataDir = DataOptions.DataDir();
        var samples = new Option<int>("--samples") { Description = "Embed the first N test images (with --checkpoint), then training images beyond the test set (70000: all of Fashion-MNIST)", DefaultValueFactory = _ => 2000 };
        var method = new Option<string>("--method") { Description = "tsne or pca", DefaultValueFactory = _ => "tsne" };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (effective number of neighbours)", DefaultValueFactory = _ => 30 };
        var tsneMethod = new Option<string>("--tsne-method")
        {
            Description = "How t-SNE computes its gradient: auto (exact up to 1,000 points, Barnes-Hut up to 300,000, FIt-SNE above), exact, barnes-hut, or fft (FIt-SNE's interpolation)",
            DefaultValueFactory = _ => "auto",
        };
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("embed", "2-D t-SNE or PCA map of a checkpoint's code space (embedding.csv, embedding.svg, results.json)")
        {
            checkpoint, points, dataset, dataDir, samples, method, tsneMethod, perplexity, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            string? checkpointPath = parsed.GetValue(checkpoint), pointsPath = parsed.GetValue(points);
            if ((checkpointPath is null) == (pointsPath is null)) throw new UsageException("give exactly one of --checkpoint FILE or --points FILE.csv");
            if (pointsPath is not null)
                foreach (var option in new Option[] { dataset, samples })
                    if (parsed.GetResult(option) is { Implicit: false }) throw new UsageException($"{option.Name} goes with --checkpoint, not --points");
            var embed = new EmbedSettings
            {
                Method = EmbedSettings.ParseMethod(parsed.GetValue(method)!),
                TsneMethod = EmbedSettings.ParseTsneMethod(parsed.GetValue(tsneMethod)!),
                Perplexity = parsed.GetValue(perplexity),
                Seed = parsed.GetValue(seed),
                Threads = parsed.GetValue(threads),
            };
            var settings = new EmbedRunSettings(embed, checkpointPath, pointsPath, parsed.GetValue(dataset), parsed.GetValue(dataDir), parsed.GetValue(samples));
            using var interrupt = new Interrupt();
            var result = ConsoleObserver.Run(observer => EmbedRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token)));
            var outcome = result.Outcome;
            var summary = new List<string>();
            if (outcome.KlDivergence is { } kl) summary.Add($"KL divergence {kl.ToString("0.0000", CultureInfo.InvariantCulture)}");
            if (outcome.Trustworthiness is { } t) summary.Add($"trustworthiness {t.ToString("0.0000", CultureInfo.InvariantCulture)}");
            if (outcome.KnnAccuracy is { } a) summary.Add($"5-NN accuracy of the codes {a.ToString("0.0000", CultureInfo.InvariantCulture)}");
            summary.Add($"{outcome.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            Console.WriteLine(string.Join("; ", summary));
            Console.WriteLine($"results: {result.Directory}");
            return Cli.Success;
        });
        return command;
    }
}
