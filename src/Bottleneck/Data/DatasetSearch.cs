namespace Bottleneck.Data;

/// <summary>
/// Looks for an IDX dataset in each of its places in turn and uses the first one that holds
/// all four files intact: each file may be gzip-compressed or not, must be a well-formed IDX
/// file, must match its published checksum, and images and labels must agree in count. Every
/// place looked at before is reported with the reason it was not used.
/// </summary>
public static class DatasetSearch
{
    /// <summary>Looks for <paramref name="dataset"/> in every place of <paramref name="places"/> meant for it.</summary>
    public static DatasetSearchResult Search(IdxDataset dataset, DatasetPlaces places) => Search(dataset, places.For(dataset.Name));

    /// <summary>Looks for <paramref name="dataset"/> in <paramref name="places"/>, in order; the first complete and intact copy is used.</summary>
    public static DatasetSearchResult Search(IdxDataset dataset, IEnumerable<DatasetPlace> places)
    {
        var looked = new List<PlaceReport>();
        foreach (var place in places)
        {
            var (found, status, detail) = TryPlace(dataset, place);
            looked.Add(new PlaceReport(place, status, detail));
            if (found is not null) return new DatasetSearchResult(dataset, looked, found);
        }
        return new DatasetSearchResult(dataset, looked, null);
    }

    private static (FoundDataset? Found, PlaceStatus Status, string Detail) TryPlace(IdxDataset dataset, DatasetPlace place)
    {
        if (File.Exists(place.Directory)) return (null, PlaceStatus.Missing, "a file, not a directory");
        if (!Directory.Exists(place.Directory)) return (null, PlaceStatus.Missing, "no such directory");

        var published = dataset.Files;
        var missing = published.Where(f => Candidates(place.Directory, f).Length == 0).ToList();
        if (missing.Count == published.Count) return (null, PlaceStatus.Missing, $"no {dataset.Name} files");
        if (missing.Count > 0) return (null, PlaceStatus.Incomplete, $"{string.Join(", ", missing.Select(f => f.UncompressedName + "[.gz]"))} missing");

        var files = new IdxFile[published.Count];
        var paths = new string[published.Count];
        var unverified = new List<string>();
        for (int i = 0; i < published.Count; i++)
        {
            var check = CheckFile(place.Directory, published[i], images: i % 2 == 0, dataset.Name);
            if (check.File is null) return (null, PlaceStatus.Corrupt, check.Problem!);
            (files[i], paths[i]) = (check.File, check.Path!);
            if (!check.Verified) unverified.Add(check.File.FileName);
        }
        for (int i = 0; i < published.Count; i += 2)
            if (files[i].Count != files[i + 1].Count)
                return (null, PlaceStatus.Corrupt, $"{files[i].FileName} holds {files[i].Count:N0} images but {files[i + 1].FileName} holds {files[i + 1].Count:N0} labels");
        return (new FoundDataset(dataset, place, files, paths, [.. unverified]), PlaceStatus.Used, "");
    }

    /// <summary>The result of checking one file of a dataset in one folder.</summary>
    internal sealed record FileCheck(IdxFile? File, string? Path, string? Problem, bool Verified);

    /// <summary>
    /// Reads and checks the copies of <paramref name="published"/> in <paramref name="directory"/>
    /// (uncompressed first, then .gz) and returns the first good one, or why none is good.
    /// </summary>
    internal static FileCheck CheckFile(string directory, PublishedFile published, bool images, string datasetName)
    {
        string? firstProblem = null;
        foreach (string path in Candidates(directory, published))
        {
            string? problem;
            IdxFile? file = null;
            bool verified = false;
            try
            {
                file = images ? Idx.ReadImages(path) : Idx.ReadLabels(path);
                (problem, verified) = Verify(path, file, published, datasetName);
            }
            catch (DataFormatException e)
            {
                problem = e.Message;
            }
            if (problem is null) return new FileCheck(file, path, null, verified);
            firstProblem ??= problem;
        }
        return new FileCheck(null, null, firstProblem ?? $"{published.UncompressedName}[.gz] missing", false);
    }

    // The uncompressed contents identify the data whoever compressed it; without their checksum,
    // a .gz can still be compared with the publisher's file, and an uncompressed copy cannot be checked.
    private static (string? Problem, bool Verified) Verify(string path, IdxFile file, PublishedFile published, string datasetName)
    {
        if (published.ContentSha256 is { } expected)
        {
            string actual = Checksums.Sha256(file.Content);
            return actual == expected ? (null, true)
                : ($"{file.FileName} is not the published {datasetName} file: its uncompressed contents have SHA-256 {Checksums.Short(actual)}, expected {Checksums.Short(expected)}", false);
        }
        if (!file.Compressed) return (null, false);
        string sha = Checksums.Sha256OfFile(path);
        return sha == published.Sha256 ? (null, true)
            : ($"{file.FileName} is not the published {datasetName} file: SHA-256 {Checksums.Short(sha)}, expected {Checksums.Short(published.Sha256)}", false);
    }

    private static string[] Candidates(string directory, PublishedFile published) =>
        [.. new[] { published.UncompressedName, published.Name }.Distinct().Select(n => Path.Combine(directory, n)).Where(File.Exists)];
}
