using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Bottleneck.Data;

/// <summary>
/// Fetches a dataset's files over HTTP into a folder so that no file there looks complete
/// unless it is: each file streams into <c>NAME.partial-PID</c> in the target folder while its
/// SHA-256 is computed, is checked against the published checksum, is flushed to disk, and only
/// then is renamed to its real name (an atomic step). Any failure deletes the temporary file.
/// Mirrors are tried in order; waiting for a response and waiting for each chunk have a timeout.
/// </summary>
public sealed class Downloader : IDisposable
{
    /// <summary>A base URL that replaces every dataset's mirrors: files are fetched from BASE/NAME/FILE (an in-house mirror; tests).</summary>
    public const string MirrorVariable = "BOTTLENECK_MIRROR";

    /// <summary>How long a read may stall before the download gives up.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private const int ChunkSize = 1 << 16;

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    /// <summary>A downloader whose reads give up after <paramref name="timeout"/> without data (<see cref="DefaultTimeout"/> when null).</summary>
    public Downloader(TimeSpan? timeout = null)
    {
        _timeout = timeout ?? DefaultTimeout;
        // Files are .gz already: a server's Content-Encoding must not make the client unpack them.
        var handler = new SocketsHttpHandler { ConnectTimeout = _timeout, AutomaticDecompression = DecompressionMethods.None };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Bottleneck");
    }

    /// <summary>The dataset with its mirrors replaced by <c>$BOTTLENECK_MIRROR/NAME/</c> when that variable is set.</summary>
    public static IdxDataset WithMirrorOverride(IdxDataset dataset)
    {
        string? mirror = Environment.GetEnvironmentVariable(MirrorVariable);
        if (string.IsNullOrWhiteSpace(mirror)) return dataset;
        if (!Uri.TryCreate(mirror.TrimEnd('/') + "/" + dataset.Name + "/", UriKind.Absolute, out var uri))
            throw new ArgumentException($"${MirrorVariable} is '{mirror}', not an absolute URL (e.g. http://mirror.example/datasets)");
        if (uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"${MirrorVariable} is '{mirror}': Bottleneck downloads over http and https only (for files on this machine, point the data folder at them instead)");
        return dataset with { Mirrors = [uri] };
    }

    /// <summary>Downloads the files of <paramref name="dataset"/> that <paramref name="directory"/> lacks or holds corrupt.</summary>
    public async Task FetchAsync(IdxDataset dataset, string directory, Action<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(directory);
        RemoveAbandonedPartials(directory);
        for (int i = 0; i < dataset.Files.Count; i++)
        {
            var file = dataset.Files[i];
            if (DatasetSearch.CheckFile(directory, file, images: i % 2 == 0, dataset.Name).File is not null) continue;
            await DownloadAsync(dataset.Mirrors, file, directory, progress, cancel);
        }
    }

    /// <summary>Downloads one file into <paramref name="directory"/>, trying each mirror in turn.</summary>
    public async Task DownloadAsync(IReadOnlyList<Uri> mirrors, PublishedFile file, string directory,
        Action<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        if (mirrors.Count == 0) throw new ArgumentException($"no mirror to download {file.Name} from", nameof(mirrors));
        var failures = new List<string>();
        foreach (var mirror in mirrors)
        {
            var url = new Uri(mirror.AbsoluteUri.TrimEnd('/') + "/" + file.Name);
            try
            {
                await DownloadFromAsync(url, file, directory, progress, cancel);
                return;
            }
            catch (DownloadException e)
            {
                failures.Add(e.Message);
            }
        }
        throw new DownloadException(string.Join("; ", failures));
    }

    private async Task DownloadFromAsync(Uri url, PublishedFile file, string directory, Action<DownloadProgress>? progress, CancellationToken cancel)
    {
        string target = Path.Combine(directory, file.Name);
        string temp = $"{target}.partial-{Environment.ProcessId}";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(_timeout);
            using var response = await Send(url, timeout.Token, cancel);
            if (!response.IsSuccessStatusCode)
                throw new DownloadException($"download of {url} failed: HTTP {(int)response.StatusCode} ({response.ReasonPhrase})");

            long? total = response.Content.Headers.ContentLength;
            // The published size bounds what is taken (with room for a mirror that recompressed the file), so an endless body cannot fill the disk.
            long limit = file.Size + Math.Max(1L << 20, file.Size / 10);
            if (total > limit)
                throw new DownloadException($"download of {url} refused: the server announces {total:N0} bytes, the published file has {file.Size:N0}");
            progress?.Invoke(new DownloadProgress(url, file.Name, 0, total));
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, ChunkSize, useAsync: true))
            {
                await using var input = await response.Content.ReadAsStreamAsync(timeout.Token);
                var buffer = new byte[ChunkSize];
                while (true)
                {
                    timeout.CancelAfter(_timeout); // the clock restarts for every chunk: a slow but steady download is fine
                    int n = await Read(input, buffer, url, received, total, timeout.Token, cancel);
                    if (n == 0) break;
                    if (received + n > limit)
                        throw new DownloadException($"download of {url} stopped: the server sent more than {limit:N0} bytes, and the published file has {file.Size:N0}");
                    sha.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel);
                    received += n;
                    progress?.Invoke(new DownloadProgress(url, file.Name, received, total));
                }
                if (total is { } length && received != length)
                    throw new DownloadException($"download of {url} failed: connection closed after {Of(received, total)} bytes");
                output.Flush(flushToDisk: true);
            }

            string actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            // A mirror may have recompressed the file; the same uncompressed contents are the same data.
            if (actual != file.Sha256 && (file.ContentSha256 is null || Checksums.Sha256OfContent(temp) != file.ContentSha256))
                throw new DownloadException($"{url} has SHA-256 {Checksums.Short(actual)} ({received:N0} bytes), expected {Checksums.Short(file.Sha256)} ({file.Size:N0} bytes); the mirror served a different file");
            File.Move(temp, target, overwrite: true);
            progress?.Invoke(new DownloadProgress(url, file.Name, received, total, Completed: true));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private async Task<HttpResponseMessage> Send(Uri url, CancellationToken timeout, CancellationToken cancel)
    {
        try
        {
            return await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout);
        }
        catch (HttpRequestException e)
        {
            throw new DownloadException($"download of {url} failed: {e.Message.TrimEnd('.')}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new DownloadException($"download of {url} failed: no response within {_timeout.TotalSeconds:0} s");
        }
    }

    private async Task<int> Read(Stream input, byte[] buffer, Uri url, long received, long? total, CancellationToken timeout, CancellationToken cancel)
    {
        try
        {
            return await input.ReadAsync(buffer, timeout);
        }
        catch (IOException)
        {
            throw new DownloadException($"download of {url} failed: connection closed after {Of(received, total)} bytes");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new DownloadException($"download of {url} failed: no data for {_timeout.TotalSeconds:0} s after {Of(received, total)} bytes");
        }
    }

    private static string Of(long received, long? total) => total is { } t ? $"{received:N0} of {t:N0}" : $"{received:N0}";

    // A download killed outright (SIGKILL, power loss) leaves NAME.partial-PID behind; once that
    // process is gone the file is garbage, and it would otherwise sit in the cache for ever.
    private static void RemoveAbandonedPartials(string directory)
    {
        foreach (string path in Directory.EnumerateFiles(directory, "*.partial-*"))
        {
            string suffix = path[(path.LastIndexOf('-') + 1)..];
            if (int.TryParse(suffix, out int pid) && pid != Environment.ProcessId && !IsRunning(pid)) TryDelete(path);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
