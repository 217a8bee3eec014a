namespace Bottleneck.Data;

/// <summary>Resolves a dataset name from the command line: <c>digits</c> or <c>csv:PATH</c>.</summary>
public static class DatasetCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["digits", "csv:PATH"];

    public static Dataset Load(string spec)
    {
        if (spec == "digits") return Digits.Load();
        if (spec.StartsWith("csv:", StringComparison.Ordinal))
        {
            string path = spec[4..];
            if (path.Length == 0) throw new ArgumentException("csv: needs a path, e.g. --dataset csv:data/points.csv");
            return CsvDataset.Load(path);
        }
        throw new ArgumentException($"unknown dataset '{spec}' (expected {string.Join(" or ", Names)})");
    }
}
