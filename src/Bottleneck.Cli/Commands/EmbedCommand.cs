using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;

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
        var samples = new Option<int>("--samples") { Description = "Embed the first N test images (with --checkpoint)", DefaultValueFactory = _ => 2000 };
        var method = new Option<string>("--method") { Description = "tsne or pca", DefaultValueFactory = _ => "tsne" };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (effective number of neighbours)", DefaultValueFactory = _ => 30 };
        var seed = CommonOptions.Seed(0);
        var threads = CommonOptions.Threads();
        var outDir = CommonOptions.Out();

        var command = new Command("embed", "2-D t-SNE or PCA map of a checkpoint's code space (embedding.csv, embedding.svg, results.json)")
        {
            checkpoint, points, dataset, dataDir, samples, method, perplexity, seed, threads, outDir,
        };
        command.SetAction(parsed =>
        {
            string methodName = parsed.GetValue(method)!.ToLowerInvariant();
            if (methodName is not ("tsne" or "pca")) throw new UsageException($"unknown --method '{methodName}' (expected tsne or pca)");
            string? checkpointPath = parsed.GetValue(checkpoint), pointsPath = parsed.GetValue(points);
            if ((checkpointPath is null) == (pointsPath is null))
                throw new UsageException("give exactly one of --checkpoint FILE or --points FILE.csv");
            if (pointsPath is not null)
                foreach (var option in new Option[] { dataset, samples })
                    if (parsed.GetResult(option) is { Implicit: false })
                        throw new UsageException($"{option.Name} goes with --checkpoint, not --points");
            int sampleCount = parsed.GetValue(samples);
            if (sampleCount < 2) throw new UsageException($"--samples must be at least 2, got {sampleCount}");
            double perplexityValue = parsed.GetValue(perplexity);
            if (!(perplexityValue > 0) || !double.IsFinite(perplexityValue)) throw new UsageException($"--perplexity must be positive, got {perplexityValue.ToString(CultureInfo.InvariantCulture)}");
            int threadCount = parsed.GetValue(threads);
            if (threadCount < 1) throw new UsageException($"--threads must be at least 1, got {threadCount}");
            var settings = new EmbedSettings
            {
                Method = methodName == "pca" ? EmbedMethod.Pca : EmbedMethod.Tsne,
                Perplexity = perplexityValue,
                Seed = parsed.GetValue(seed),
                Threads = threadCount,
            };

            Tensor vectors;
            int[]? labels;
            JsonObject source;
            if (pointsPath is not null)
            {
                var data = CsvDataset.Load(pointsPath);
                (vectors, labels) = (data.Features, data.Labels);
                source = new JsonObject { ["points"] = pointsPath };
            }
            else
            {
                (vectors, labels, source) = Codes(checkpointPath!, parsed.GetValue(dataset), parsed.GetValue(dataDir), sampleCount, settings.Seed, threadCount);
            }
            Check(settings, vectors);
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "embed", started);
            return Run(settings, vectors, labels, source, dir, new Provenance(CommonOptions.CommandLine(parsed), started, threadCount));
        });
        return command;
    }

    /// <summary>
    /// The codes of the first <paramref name="samples"/> test images of <paramref name="dataset"/> (null: the one the checkpoint
    /// was trained on) under a checkpoint, their labels, and the run's source: what the command and a pipeline's embed
    /// phase both embed. See <see cref="DataOptions.TestImagesFor"/> for which images.
    /// </summary>
    public static (Tensor Codes, int[]? Labels, JsonObject Source) Codes(string checkpointPath, string? dataset, string? dataDir, int samples, uint fallbackSeed, int threads)
    {
        if (!File.Exists(checkpointPath)) throw new UsageException($"{checkpointPath}: no such checkpoint file");
        var (model, _, metadata) = Checkpoint.Load(checkpointPath);
        var (test, _, splitSeed) = DataOptions.TestImagesFor(checkpointPath, model, metadata, dataset, dataDir, samples, fallbackSeed);
        using var pool = new WorkerPool(threads);
        model.Workers = pool;
        var codes = CodeSpace.Encode(model, test.Features);
        model.Workers = WorkerPool.Serial;
        var source = new JsonObject { ["checkpoint"] = checkpointPath, ["dataset"] = test.Name, ["code_size"] = model.CodeSize, ["split_seed"] = splitSeed };
        if (MnistFamily.Find(test.Name)?.ClassNames is { } names) source["classes"] = new JsonArray([.. names.Select(n => JsonValue.Create(n))]);
        return (codes, test.Labels, source);
    }

    /// <summary>Throws unless the points suit the method (checked before the run directory is made).</summary>
    public static void Check(EmbedSettings settings, Tensor vectors)
    {
        string perplexity = settings.Perplexity.ToString(CultureInfo.InvariantCulture);
        if (vectors.Rows < 2) throw new UsageException($"need at least 2 points to embed, got {vectors.Rows}");
        if (settings.Method == EmbedMethod.Tsne && settings.Perplexity >= vectors.Rows)
            throw new UsageException($"--perplexity ({perplexity}) must be less than the number of points ({vectors.Rows})");
        if (settings.Method == EmbedMethod.Pca && vectors.RowSize < 2)
            throw new UsageException($"PCA to 2-D needs at least 2 values per point, got {vectors.RowSize}");
    }

    /// <summary>Maps the points and writes the run directory, with a summary line on stdout.</summary>
    public static int Run(EmbedSettings settings, Tensor vectors, int[]? labels, JsonObject source, RunDirectory dir, Provenance provenance)
    {
        Check(settings, vectors);
        Console.WriteLine($"{settings.MethodName} of {vectors.Rows:N0} points × {vectors.RowSize} values; {settings.Threads} threads");
        var outcome = EmbedReport.Run(dir, settings, source, vectors, labels, provenance);

        var summary = new List<string>();
        if (outcome.KlDivergence is { } kl) summary.Add($"KL divergence {kl.ToString("0.0000", CultureInfo.InvariantCulture)}");
        if (outcome.Trustworthiness is { } t) summary.Add($"trustworthiness {t.ToString("0.0000", CultureInfo.InvariantCulture)}");
        if (outcome.KnnAccuracy is { } a) summary.Add($"5-NN accuracy of the codes {a.ToString("0.0000", CultureInfo.InvariantCulture)}");
        summary.Add($"{outcome.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        Console.WriteLine(string.Join("; ", summary));
        Console.WriteLine($"results: {dir.Path}");
        return Cli.Success;
    }
}
