using System.CommandLine;
using Bottleneck.Data;

namespace Bottleneck.Cli.Commands;

/// <summary>How commands that train on images get their data: a named dataset, its folder, a subset.</summary>
public static class DataOptions
{
    public static Option<string> Dataset(string fallback) => new("--dataset")
    {
        Description = "mnist, fashion-mnist, kmnist, digits (embedded), or your data: csv:PATH, npy:PATH, npz:PATH[?x=NAME&y=NAME], idx:DIR, images:DIR[?channels=1|3&size=N&skip-bad]",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<string?> DataDir() => new("--data-dir") { Description = "Folder holding the dataset files (searched first)" };

    public static Option<int?> Limit() => new("--limit") { Description = "Use only the first N training samples (quick runs)" };

    public static Option<int?> TestLimit() => new("--test-limit") { Description = "Use only the first N test samples (quick runs)" };

    /// <summary>--dataset for commands that study a checkpoint: by default, the dataset it was trained on.</summary>
    public static Option<string?> CheckpointDataset() => new("--dataset")
    {
        Description = "mnist, fashion-mnist, kmnist, digits (embedded), csv:PATH, npy:PATH, npz:PATH, idx:DIR or images:DIR [default: the one the checkpoint was trained on]",
    };

    public static DataSource Source(ParseResult parsed, Option<string> dataset, Option<string?> dataDir, Option<int?> limit, Option<int?> testLimit) =>
        new(parsed.GetValue(dataset)!, parsed.GetValue(dataDir), parsed.GetValue(limit), parsed.GetValue(testLimit));
}
