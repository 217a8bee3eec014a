namespace Bottleneck.Data;

/// <summary>
/// Loads an IDX dataset's train and test parts from the first place that holds them intact,
/// downloading them into the user cache first when they are nowhere and a downloader is given.
/// No download is attempted when the files are found locally.
/// </summary>
internal static class IdxDatasetLoader
{
    public static (Dataset Train, Dataset Test) Load(IdxDataset dataset, DatasetPlaces places, Downloader? downloader,
        Action<string>? log = null, CancellationToken cancel = default)
    {
        var search = DatasetSearch.Search(dataset, places);
        if (search.Found is null && downloader is not null)
        {
            string target = places.CacheFor(dataset.Name);
            log?.Invoke($"{dataset.Name} not found locally; downloading it to {target}");
            try
            {
                downloader.FetchAsync(dataset, target, p => Log(log, p), cancel).GetAwaiter().GetResult();
            }
            catch (DownloadException e)
            {
                throw new DatasetNotFoundException(search, e.Message);
            }
            search = DatasetSearch.Search(dataset, places);
        }
        var found = search.Found ?? throw new DatasetNotFoundException(search);
        // Places that do not exist are the normal case; a place holding something unusable is news.
        foreach (var skipped in search.Looked.Where(p => p.Status is PlaceStatus.Incomplete or PlaceStatus.Corrupt))
            log?.Invoke($"{dataset.Name}: skipped {skipped}");
        log?.Invoke($"{dataset.Name}: {found.Place.Directory}");
        foreach (string file in found.Unverified)
            log?.Invoke($"{dataset.Name}: {file} was checked for IDX structure only (no published checksum of its uncompressed form)");
        return found.ToSplit();
    }

    private static void Log(Action<string>? log, DownloadProgress p)
    {
        if (log is null) return;
        if (p.Received == 0 && !p.Completed) log($"downloading {p.Url}" + (p.Total is { } t ? $" ({t:N0} bytes)" : ""));
        else if (p.Completed) log($"downloaded {p.File} ({p.Received:N0} bytes, SHA-256 verified)");
    }
}
