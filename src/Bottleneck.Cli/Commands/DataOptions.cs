using System.CommandLine;
using System.Text.Json.Nodes;
using Bottleneck.Data;

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

    /// <summary>
    /// The seed that split the data a checkpoint was trained on (train's settings in its metadata), or
    /// <paramref name="fallback"/> when it does not say: studying a model on the test split of its own
    /// seed means studying images it never saw.
    /// </summary>
    public static uint SplitSeed(IReadOnlyDictionary<string, string> checkpointMetadata, uint fallback)
    {
        if (!checkpointMetadata.TryGetValue("training", out var training)) return fallback;
        try
        {
            return JsonNode.Parse(training)?["seed"]?.GetValue<uint>() ?? fallback;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return fallback;
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
