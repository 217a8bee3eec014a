using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// Resolves a dataset name from the command line: <c>digits</c> (embedded), <c>mnist</c>,
/// <c>fashion-mnist</c>, <c>kmnist</c> (IDX files found on this machine or downloaded), or a file or folder of the
/// user's: <c>csv:PATH</c>, <c>npy:PATH</c>, <c>npz:PATH</c>, <c>idx:DIR</c>, <c>images:DIR</c>.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The named datasets (digits and the MNIST family).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["digits", .. MnistFamily.All.Select(d => d.Name), "csv:PATH", "npy:PATH", "npz:PATH", "idx:DIR", "images:DIR"];

    /// <summary>Forms whose values are used as they are (8-bit pixels divided by 255), not min-max scaled after the split as digits and CSV are.</summary>
    public static bool KeepsValues(string spec) =>
        NumpyDataset.Handles(spec) || spec.StartsWith(IdxFolder.Prefix, StringComparison.Ordinal) || spec.StartsWith(ImageFolder.Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The data as it comes: its samples, and its test part when it has a published split (the MNIST family, an IDX
    /// folder, an .npz with x_test, an image folder with train/ and test/); otherwise <c>Test</c> is null.
    /// </summary>
    /// <param name="log">Lines about where the data was found, fetched from, or what was skipped.</param>
    /// <param name="spec">The dataset argument: a name, or <c>csv:</c>, <c>npy:</c>, <c>npz:</c>, <c>idx:</c>, <c>images:</c> with a path.</param>
    /// <param name="dataDir">Where named datasets are looked for first (and downloaded to).</param>
    /// <param name="allowDownload">Whether a named dataset found nowhere may be downloaded.</param>
    public static (Dataset Data, Dataset? Test) LoadParts(string spec, string? dataDir = null, bool allowDownload = true, Action<string>? log = null)
    {
        if (spec == "digits") return (Digits.Load(), null);
        if (spec.StartsWith("csv:", StringComparison.Ordinal))
        {
            string path = spec[4..];
            if (path.Length == 0) throw new SettingException("dataset", "csv: needs a path, e.g. csv:data/points.csv");
            return (CsvDataset.Load(path), null);
        }
        if (NumpyDataset.Handles(spec)) return NumpyDataset.Load(spec);
        if (spec.StartsWith(IdxFolder.Prefix, StringComparison.Ordinal)) return IdxFolder.Load(spec);
        if (spec.StartsWith(ImageFolder.Prefix, StringComparison.Ordinal))
        {
            var images = ImageFolder.Load(spec);
            if (images.Skipped.Count > 0)
                log?.Invoke($"skipped {Plural.Count(images.Skipped.Count, "unreadable image")}: {string.Join(", ", images.Skipped.Take(5).Select(Path.GetFileName))}{(images.Skipped.Count > 5 ? ", …" : "")}");
            return (images.Train, images.Test);
        }
        if (MnistFamily.Find(spec) is not null) return LoadSplit(spec, dataDir, allowDownload, log);
        throw new SettingException("dataset", $"'{spec}' is unknown (expected {string.Join(", ", Names)})");
    }

    /// <summary>
    /// The whole dataset as one set of samples. For the MNIST family that is the training part
    /// followed by the test part (70,000 images); <see cref="LoadSplit"/> keeps them apart.
    /// </summary>
    public static Dataset Load(string spec, string? dataDir = null, bool allowDownload = true, Action<string>? log = null)
    {
        var (data, test) = LoadParts(spec, dataDir, allowDownload, log);
        return test is null ? data : data.Concatenate(test);
    }

    /// <summary>
    /// The published training and test parts of an image dataset (mnist, fashion-mnist, kmnist),
    /// from the first place that holds them intact (see <see cref="DatasetPlaces"/>), downloaded
    /// into the user cache when they are nowhere and <paramref name="allowDownload"/> is set.
    /// A dataset that cannot be had is a <see cref="DatasetNotFoundException"/> saying where
    /// Bottleneck looked and how to get it.
    /// </summary>
    public static (Dataset Train, Dataset Test) LoadSplit(string name, string? dataDir, bool allowDownload, Action<string>? log)
    {
        var dataset = MnistFamily.Find(name)
            ?? throw new ArgumentException($"'{name}' has no published train/test split (expected {string.Join(", ", MnistFamily.All.Select(d => d.Name))})");
        using var downloader = allowDownload ? new Downloader() : null;
        return IdxDatasetLoader.Load(Downloader.WithMirrorOverride(dataset), DatasetPlaces.FromEnvironment(dataDir), downloader, log);
    }
}
