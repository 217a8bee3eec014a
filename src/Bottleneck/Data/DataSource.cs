namespace Bottleneck.Data;

/// <summary>
/// Where a run's images come from: a dataset (<c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>, <c>digits</c>,
/// <c>csv:PATH</c>, <c>npy:PATH</c>, <c>npz:PATH</c>, <c>idx:DIR</c>, <c>images:DIR</c>), a folder to look in first, and optionally only the first samples of each split.
/// </summary>
public sealed record DataSource(string Dataset, string? DataDir = null, int? Limit = null, int? TestLimit = null)
{
    /// <summary>The held-out share of digits and CSV data, which have no published split.</summary>
    public const double TestFraction = 0.25;

    /// <summary>The dataset as a record of where the data came from: a file or folder by its full path, so that a checkpoint's metadata finds it again from anywhere.</summary>
    public string Recorded => Dataset.Length > 4 && Dataset[..4] is "csv:" or "npy:" or "npz:" or "idx:" ? Dataset[..4] + Path.GetFullPath(Dataset[4..])
        : Dataset.StartsWith(ImageFolder.Prefix, StringComparison.Ordinal) ? ImageFolder.Prefix + Path.GetFullPath(Dataset[ImageFolder.Prefix.Length..]) : Dataset;

    /// <summary>Throws a <see cref="SettingException"/> when the dataset argument names nothing readable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new SettingException("dataset", "is empty");
        Require.AtLeast(Limit, 1, "limit");
        Require.AtLeast(TestLimit, 1, "test-limit");
    }

    /// <summary>
    /// Train and test splits: the published ones for the MNIST family, an IDX folder, an .npz with x_test or an image
    /// folder with train/ and test/, otherwise a split seeded by <paramref name="seed"/> (test fraction 0.25). Digits and CSV files
    /// are then min-max scaled to [0, 1] by the training split's ranges so a sigmoid output can reach every value; NumPy
    /// arrays, IDX and image folders keep their values (8-bit pixels divided by 255). A named dataset found nowhere is downloaded.
    /// </summary>
    /// <param name="log">Lines about where the data was found or fetched from.</param>
    /// <param name="seed">The seed of the split when the data has no published one.</param>
    public (Dataset Train, Dataset Test) Load(uint seed, Action<string>? log = null)
    {
        Validate();
        var (data, published) = DatasetCatalog.LoadParts(Dataset, DataDir, allowDownload: true, log);
        Dataset train, test;
        if (published is not null)
            (train, test) = (data, published);
        else
        {
            (train, test) = TrainTestSplit.Split(data, TestFraction, seed);
            if (!DatasetCatalog.KeepsValues(Dataset))
            {
                var scaler = new MinMaxScaler().Fit(train.Features);
                (train, test) = (train.WithFeatures(scaler.Transform(train.Features)), test.WithFeatures(scaler.Transform(test.Features)));
            }
        }
        if (Limit is { } n && n < train.Count) train = train.Subset([.. Enumerable.Range(0, n)]);
        if (TestLimit is { } m && m < test.Count) test = test.Subset([.. Enumerable.Range(0, m)]);
        return (train, test);
    }
}
