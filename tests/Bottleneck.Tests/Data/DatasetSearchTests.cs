using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

/// <summary>Where a dataset is looked for, in which order, and what is said when it is nowhere.</summary>
public sealed class DatasetSearchTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bottleneck-search-tests-").FullName;
    private readonly IdxDataset _tiny = SyntheticIdx.Tiny(new Uri("http://127.0.0.1:9/"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DatasetPlaces Places => new(Dir("data-dir"), Dir("env"), Dir("cache"), Dir("system"));

    private string Dir(string name) => Path.Combine(_root, name);

    [Fact]
    public void Data_dir_beats_environment_beats_cache_beats_system()
    {
        string[] homes = [Dir("data-dir"), Path.Combine(Dir("env"), "tiny"), Path.Combine(Dir("cache"), "tiny"), Path.Combine(Dir("system"), "tiny")];
        foreach (string home in homes) SyntheticIdx.WriteTiny(home);

        foreach (string home in homes)
        {
            var found = DatasetSearch.Search(_tiny, Places).Found;
            found.Should().NotBeNull();
            found!.Place.Directory.Should().Be(home);
            Directory.Delete(home, recursive: true);
        }
        DatasetSearch.Search(_tiny, Places).Found.Should().BeNull();
    }

    [Fact]
    public void Files_may_sit_directly_in_the_folder_or_in_a_subfolder_named_after_the_dataset()
    {
        SyntheticIdx.WriteTiny(Path.Combine(Dir("data-dir"), "tiny"));
        SyntheticIdx.WriteTiny(Dir("env"));

        var looked = DatasetSearch.Search(_tiny, Places).Looked;

        looked.Select(p => (p.Place.Origin, p.Place.Directory, p.Reason)).Should().Equal(
            (PlaceOrigin.Given, Dir("data-dir"), "no tiny files"),
            (PlaceOrigin.Given, Path.Combine(Dir("data-dir"), "tiny"), "used"));
    }

    [Fact]
    public void Uncompressed_and_gzip_files_are_both_accepted()
    {
        SyntheticIdx.WriteTiny(Dir("data-dir"), gzip: false);
        SyntheticIdx.WriteTiny(Path.Combine(Dir("env"), "tiny"), gzip: true);

        var (train, test) = IdxDatasetLoader.Load(_tiny, Places, downloader: null);
        var (gzTrain, gzTest) = IdxDatasetLoader.Load(_tiny, Places with { DataDir = null }, downloader: null);

        train.Features.Data.Should().Equal(gzTrain.Features.Data);
        test.Labels.Should().Equal(gzTest.Labels);
        (train.Count, test.Count, train.FeatureCount).Should().Be((5, 3, 12));
        train.ImageShape.Should().Equal(1, 4, 3);
    }

    [Fact]
    public void Incomplete_and_corrupt_places_are_skipped_and_say_why()
    {
        string incomplete = Dir("data-dir");
        SyntheticIdx.WriteTiny(incomplete);
        File.Delete(Path.Combine(incomplete, "t10k-labels-idx1-ubyte.gz"));
        string corrupt = Path.Combine(Dir("env"), "tiny");
        SyntheticIdx.WriteTiny(corrupt);
        byte[] whole = SyntheticIdx.TinyContents["train-images-idx3-ubyte"];
        File.WriteAllBytes(Path.Combine(corrupt, "train-images-idx3-ubyte.gz"), SyntheticIdx.Gzip(whole[..20]));
        string tampered = Path.Combine(Dir("cache"), "tiny");
        SyntheticIdx.WriteTiny(tampered);
        byte[] changed = (byte[])SyntheticIdx.TinyContents["t10k-images-idx3-ubyte"].Clone();
        changed[^1] ^= 0xff;
        File.WriteAllBytes(Path.Combine(tampered, "t10k-images-idx3-ubyte"), changed);
        File.Delete(Path.Combine(tampered, "t10k-images-idx3-ubyte.gz"));
        SyntheticIdx.WriteTiny(Path.Combine(Dir("system"), "tiny"));
        var log = new List<string>();

        IdxDatasetLoader.Load(_tiny, Places, downloader: null, log.Add);

        log.Should().Equal(
            $"tiny: skipped {incomplete} (incomplete: t10k-labels-idx1-ubyte[.gz] missing)",
            $"tiny: skipped {corrupt} (corrupt: train-images-idx3-ubyte.gz is truncated: expected 60 pixel bytes, found 4)",
            $"tiny: skipped {tampered} (corrupt: t10k-images-idx3-ubyte is not the published tiny file: its uncompressed contents have SHA-256 {SyntheticIdx.Sha256(changed)[..16]}…, expected {_tiny.TestImages.ContentSha256![..16]}…)",
            $"tiny: {Path.Combine(Dir("system"), "tiny")}");
    }

    [Fact]
    public void Images_and_labels_that_disagree_in_count_make_a_place_corrupt()
    {
        string home = Dir("data-dir");
        SyntheticIdx.WriteTiny(home, gzip: false);
        File.WriteAllBytes(Path.Combine(home, "t10k-labels-idx1-ubyte"), SyntheticIdx.Labels(2));
        var tiny = _tiny with { TestLabels = _tiny.TestLabels with { ContentSha256 = SyntheticIdx.Sha256(SyntheticIdx.Labels(2)) } };

        var report = DatasetSearch.Search(tiny, Places).Looked[0];

        report.Reason.Should().Be("corrupt: t10k-images-idx3-ubyte holds 3 images but t10k-labels-idx1-ubyte holds 2 labels");
    }

    [Fact]
    public void Missing_dataset_says_where_it_looked_and_how_to_get_it()
    {
        Directory.CreateDirectory(Dir("data-dir"));
        File.WriteAllText(Path.Combine(_root, "env"), "a file");

        var failure = FluentActions.Invoking(() => IdxDatasetLoader.Load(_tiny, Places, downloader: null))
            .Should().Throw<DatasetNotFoundException>().Which;

        // The library says where it looked; the program adds how to get the data.
        $"{failure.Message}; {Bottleneck.Cli.Cli.HowToGet(failure.Search.Dataset)}".Should().Be(
            $"tiny not found: looked in {Dir("data-dir")} (no tiny files), {Dir("data-dir")}/tiny (no such directory), " +
            $"{Dir("env")} (a file, not a directory), {Dir("env")}/tiny (no such directory), " +
            $"{Dir("cache")}/tiny (no such directory), {Dir("system")}/tiny (no such directory); " +
            "fetch it with `bottleneck datasets fetch tiny` or `apt-get install dataset-tiny`, or point --data-dir at a folder holding its four files");
        failure.Message.Should().NotContain("\n", "a CLI error is one line");
    }

    [Fact]
    public void Local_files_are_used_without_any_download()
    {
        using var server = new TestHttpServer();
        using var downloader = new Downloader();
        SyntheticIdx.WriteTiny(Path.Combine(Dir("system"), "tiny"));

        var (train, _) = IdxDatasetLoader.Load(SyntheticIdx.Tiny(server.BaseUrl), Places, downloader);

        train.Count.Should().Be(5);
        server.Requests.Should().BeEmpty();
        Directory.Exists(Path.Combine(Dir("cache"), "tiny")).Should().BeFalse();
    }

    [Fact]
    public void A_missing_dataset_is_downloaded_into_the_cache_and_loaded()
    {
        using var server = new TestHttpServer();
        using var downloader = new Downloader();
        foreach (var (name, bytes) in SyntheticIdx.TinyServed) server.Serve("tiny/" + name, bytes);
        var log = new List<string>();

        var (train, test) = IdxDatasetLoader.Load(SyntheticIdx.Tiny(server.Url("tiny/")), Places, downloader, log.Add);

        (train.Count, test.Count).Should().Be((5, 3));
        Directory.GetFiles(Path.Combine(Dir("cache"), "tiny")).Select(Path.GetFileName).Should().BeEquivalentTo(SyntheticIdx.TinyServed.Keys);
        log[0].Should().Be($"tiny not found locally; downloading it to {Path.Combine(Dir("cache"), "tiny")}");
        log[^1].Should().Be($"tiny: {Path.Combine(Dir("cache"), "tiny")}");
    }

    [Fact]
    public void A_failed_download_says_where_it_looked_and_why_the_download_failed()
    {
        using var server = new TestHttpServer();
        using var downloader = new Downloader();

        var failure = FluentActions.Invoking(() => IdxDatasetLoader.Load(SyntheticIdx.Tiny(server.BaseUrl), Places, downloader))
            .Should().Throw<DatasetNotFoundException>().Which;

        failure.Message.Should().StartWith("tiny not found: looked in ")
            .And.EndWith($"; download of {server.Url("train-images-idx3-ubyte.gz")} failed: HTTP 404 (Not Found)");
        Directory.GetFiles(Path.Combine(Dir("cache"), "tiny")).Should().BeEmpty();
    }

    [Fact]
    public void Environment_decides_the_places_in_the_documented_order()
    {
        var places = new DatasetPlaces("/d", "/e", "/c", "/s");

        places.For("mnist").Select(p => p.Directory).Should().Equal("/d", "/d/mnist", "/e", "/e/mnist", "/c/mnist", "/s/mnist");
        places.For("mnist").Select(p => p.Origin).Should().Equal(PlaceOrigin.Given, PlaceOrigin.Given, PlaceOrigin.Environment, PlaceOrigin.Environment, PlaceOrigin.Cache, PlaceOrigin.System);
        (places with { DataDir = null, EnvironmentDir = null }).For("mnist").Select(p => p.Directory).Should().Equal("/c/mnist", "/s/mnist");
    }
}
