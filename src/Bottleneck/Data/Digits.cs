using System.IO.Compression;

namespace Bottleneck.Data;

/// <summary>
/// The 8×8 handwritten digits (1,797 samples, 64 features 0..16, labels 0..9): UCI's
/// "Optical Recognition of Handwritten Digits" test set, embedded exactly as scikit-learn
/// ships it (<c>sklearn/datasets/data/digits.csv.gz</c>: 64 pixel columns, then the label).
/// </summary>
public static class Digits
{
    /// <summary>The embedded resource holding the digits.</summary>
    public const string ResourceName = "Bottleneck.Data.digits.csv.gz";

    /// <summary>The 1,797 8×8 digits (scikit-learn's), features 0–16, with labels.</summary>
    public static Dataset Load()
    {
        using var stream = typeof(Digits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var data = CsvDataset.Read(reader, "digits.csv", LabelColumn.Last);
        if (data.Count != 1797 || data.FeatureCount != 64)
            throw new DataFormatException($"embedded digits.csv has {data.Count}×{data.FeatureCount} values, expected 1797×64");
        return new Dataset("digits", data.Features, data.Labels, [1, 8, 8]);
    }
}
