using System.CommandLine;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Cli.Commands;

/// <summary>How commands that train on images get their data: a named dataset, its folder, a subset.</summary>
public static class DataOptions
{
    public static Option<string> Dataset(string fallback) => new("--dataset")
    {
        Description = "mnist, fashion-mnist, kmnist, digits (embedded) or csv:PATH",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<string?> DataDir() => new("--data-dir") { Description = "Folder holding the dataset files (searched first)" };

    public static Option<int?> Limit() => new("--limit") { Description = "Use only the first N training samples (quick runs)" };

    public static Option<int?> TestLimit() => new("--test-limit") { Description = "Use only the first N test samples (quick runs)" };

    /// <summary>--dataset for commands that study a checkpoint: by default, the dataset it was trained on.</summary>
    public static Option<string?> CheckpointDataset() => new("--dataset")
    {
        Description = "mnist, fashion-mnist, kmnist, digits (embedded) or csv:PATH [default: the one the checkpoint was trained on]",
    };

    /// <summary>
    /// The first <paramref name="samples"/> test images to study a checkpoint's model on: of <paramref name="dataset"/>, or when
    /// that is null of the dataset the model was trained on (train's settings in the metadata; fashion-mnist if they do not
    /// say). Digits and CSV data are split with the model's training seed (else <paramref name="fallbackSeed"/>), so the
    /// images are ones the model never saw. Throws a usage error when the images do not fit the model.
    /// </summary>
    public static (Dataset Test, string Dataset, uint SplitSeed) TestImagesFor(string checkpointPath, Autoencoder model,
        IReadOnlyDictionary<string, string> metadata, string? dataset, string? dataDir, int samples, uint fallbackSeed)
    {
        var training = Training(metadata);
        string spec = dataset ?? Value<string>(training, "dataset") ?? "fashion-mnist";
        uint splitSeed = Value<uint?>(training, "seed") ?? fallbackSeed;
        var (_, test) = Load(spec, dataDir, limit: null, splitSeed, testLimit: samples);
        try
        {
            Robustness.CheckFits(model, test);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{checkpointPath} does not fit {test.Name}: {e.Message}");
        }
        return (test, spec, splitSeed);
    }

    // Train's settings as recorded in a checkpoint's metadata; null when absent or unreadable (a checkpoint from elsewhere).
    private static JsonNode? Training(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("training", out var training)) return null;
        try
        {
            return JsonNode.Parse(training);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static T? Value<T>(JsonNode? training, string key)
    {
        try
        {
            return training?[key] is JsonValue value ? value.GetValue<T>() : default;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return default;
        }
    }

    /// <summary>
    /// Train and test splits: the published ones for the MNIST family (pixels already in [0, 1]),
    /// otherwise a seeded split (test fraction 0.25) of digits or a CSV file, min-max scaled to
    /// [0, 1] by the training split's ranges so a sigmoid output can reach every value.
    /// </summary>
    public static (Dataset Train, Dataset Test) Load(string spec, string? dataDir, int? limit, uint seed, int? testLimit = null)
    {
        if (limit is < 1) throw new UsageException($"--limit must be at least 1, got {limit}");
        if (testLimit is < 1) throw new UsageException($"--test-limit must be at least 1, got {testLimit}");
        Dataset train, test;
        if (spec == "digits" || spec.StartsWith("csv:", StringComparison.Ordinal))
        {
            (train, test) = TrainTestSplit.Split(DatasetCatalog.Load(spec), 0.25, seed);
            var scaler = new MinMaxScaler().Fit(train.Features);
            (train, test) = (train.WithFeatures(scaler.Transform(train.Features)), test.WithFeatures(scaler.Transform(test.Features)));
        }
        else
            (train, test) = DatasetCatalog.LoadSplit(spec, dataDir, allowDownload: true, log: line => Console.Error.WriteLine(line));
        if (limit is { } n && n < train.Count) train = train.Subset([.. Enumerable.Range(0, n)]);
        if (testLimit is { } m && m < test.Count) test = test.Subset([.. Enumerable.Range(0, m)]);
        return (train, test);
    }
}
