using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

/// <summary>Downloads from a local HTTP server: the happy path and each way a mirror can fail.</summary>
public sealed class DownloaderTests : IDisposable
{
    private const string File = "train-images-idx3-ubyte.gz";

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-download-tests-").FullName;
    private readonly TestHttpServer _server = new();
    // The default timeout: a test that expects a download to succeed must not fail because the
    // machine is busy. Only the stall test waits on a short one.
    private readonly Downloader _downloader = new();
    private readonly PublishedFile _published = SyntheticIdx.Tiny().TrainImages;
    private readonly byte[] _served = SyntheticIdx.TinyServed[File];

    public void Dispose()
    {
        _downloader.Dispose();
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Good_file_is_verified_and_put_in_place_with_no_temporary_file_left()
    {
        _server.Serve("a/" + File, _served);
        var progress = new List<DownloadProgress>();

        await _downloader.DownloadAsync([_server.Url("a/")], _published, _dir, progress.Add);

        System.IO.File.ReadAllBytes(Path.Combine(_dir, File)).Should().Equal(_served);
        Directory.GetFiles(_dir).Should().ContainSingle("only the finished file is left");
        progress[0].Should().Be(new DownloadProgress(_server.Url("a/" + File), File, 0, _served.Length));
        progress[^1].Should().Be(new DownloadProgress(_server.Url("a/" + File), File, _served.Length, _served.Length, Completed: true));
        progress.Select(p => p.Received).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task Connection_closed_mid_file_is_a_clear_error_and_leaves_no_file()
    {
        _server.Serve(File, new TestResponse(_served, SendOnly: 40));

        var failure = await FluentActions.Awaiting(() => _downloader.DownloadAsync([_server.BaseUrl], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().Be($"download of {_server.Url(File)} failed: connection closed after 40 of {_served.Length:N0} bytes");
        Directory.GetFiles(_dir).Should().BeEmpty("neither the real name nor a temporary file may be left behind");
    }

    [Fact]
    public async Task Wrong_bytes_are_a_checksum_error_and_leave_no_file()
    {
        byte[] other = SyntheticIdx.Gzip(SyntheticIdx.Images(5, 4, 3, seed: 99));
        _server.Serve(File, other);

        var failure = await FluentActions.Awaiting(() => _downloader.DownloadAsync([_server.BaseUrl], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().Be(
            $"{_server.Url(File)} has SHA-256 {SyntheticIdx.Sha256(other)[..16]}… ({other.Length:N0} bytes), " +
            $"expected {_published.Sha256[..16]}… ({_published.Size:N0} bytes); the mirror served a different file");
        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public async Task Not_found_on_the_first_mirror_falls_back_to_the_second()
    {
        _server.Serve("second/" + File, _served);

        await _downloader.DownloadAsync([_server.Url("first/"), _server.Url("second/")], _published, _dir);

        _server.Requests.Should().Equal("/first/" + File, "/second/" + File);
        System.IO.File.ReadAllBytes(Path.Combine(_dir, File)).Should().Equal(_served);
    }

    [Fact]
    public async Task When_every_mirror_fails_each_failure_is_named()
    {
        var failure = await FluentActions.Awaiting(() => _downloader.DownloadAsync([_server.Url("first/"), _server.Url("second/")], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().Be(
            $"download of {_server.Url("first/" + File)} failed: HTTP 404 (Not Found); download of {_server.Url("second/" + File)} failed: HTTP 404 (Not Found)");
        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public async Task A_recompressed_file_with_the_published_contents_is_accepted()
    {
        // Like Debian's Fashion-MNIST: other gzip bytes, the same uncompressed file.
        byte[] recompressed = Recompress(_served);
        recompressed.Should().NotEqual(_served);
        _server.Serve(File, recompressed);

        await _downloader.DownloadAsync([_server.BaseUrl], _published, _dir);

        System.IO.File.ReadAllBytes(Path.Combine(_dir, File)).Should().Equal(recompressed);
    }

    [Fact]
    public async Task A_stalled_download_times_out_and_leaves_no_file()
    {
        _server.Serve(File, new TestResponse(_served, SendOnly: 10, Stall: true));
        using var impatient = new Downloader(TimeSpan.FromSeconds(2));

        var failure = await FluentActions.Awaiting(() => impatient.DownloadAsync([_server.BaseUrl], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().Be($"download of {_server.Url(File)} failed: no data for 2 s after 10 of {_served.Length:N0} bytes");
        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public async Task A_refused_connection_names_the_url()
    {
        var closed = new Uri("http://127.0.0.1:9/");

        var failure = await FluentActions.Awaiting(() => _downloader.DownloadAsync([closed], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().StartWith($"download of {closed}{File} failed: ");
        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public async Task Fetch_downloads_only_the_files_that_are_missing_or_corrupt()
    {
        var tiny = SyntheticIdx.Tiny(_server.BaseUrl);
        foreach (var (name, bytes) in SyntheticIdx.TinyServed) _server.Serve(name, bytes);
        SyntheticIdx.WriteTiny(_dir);
        System.IO.File.Delete(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"));
        System.IO.File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte.gz"), [1, 2, 3]);
        System.IO.File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz.partial-999999999"), [1, 2, 3]);

        await _downloader.FetchAsync(tiny, _dir);

        _server.Requests.Should().BeEquivalentTo("/train-labels-idx1-ubyte.gz", "/t10k-labels-idx1-ubyte.gz");
        Directory.GetFiles(_dir).Select(Path.GetFileName).Should().BeEquivalentTo(SyntheticIdx.TinyServed.Keys,
            "the corrupt file is replaced and the leftover of a dead process is removed");
        DatasetSearch.Search(tiny, [new DatasetPlace(_dir, PlaceOrigin.Given)]).Found.Should().NotBeNull();
    }

    [Fact]
    public async Task A_server_that_never_stops_sending_is_cut_off_near_the_published_size()
    {
        _server.Serve("endless/" + File, new TestResponse(new byte[1 << 16], Endless: true));

        var failure = await FluentActions.Awaiting(() => _downloader.DownloadAsync([_server.Url("endless/")], _published, _dir))
            .Should().ThrowAsync<DownloadException>();

        failure.Which.Message.Should().Contain("sent more than").And.Contain($"published file has {_published.Size:N0}");
        Directory.GetFiles(_dir).Should().BeEmpty("the partial file is removed, and the disk never filled");
    }

    private static byte[] Recompress(byte[] gzip)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
        using var content = new MemoryStream();
        input.CopyTo(content);
        using var output = new MemoryStream();
        using (var again = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize)) again.Write(content.ToArray());
        return output.ToArray();
    }
}
