using Bottleneck.Data;
using Bottleneck.Tests.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// End-to-end tests of <c>bottleneck datasets</c> and <c>bottleneck datasets fetch</c>: the real
/// program in a child process, with its cache, system folder and mirror pointed at test places.
/// </summary>
public sealed class DatasetsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-datasets-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Cache => Path.Combine(_dir, "cache");

    /// <summary>No $BOTTLENECK_DATA, an empty cache and system folder, and downloads from <paramref name="mirror"/> (by default a closed port).</summary>
    private Dictionary<string, string?> Isolated(Uri? mirror = null) => new()
    {
        ["XDG_CACHE_HOME"] = Cache,
        [DatasetPlaces.DataVariable] = null,
        [DatasetPlaces.SystemVariable] = Path.Combine(_dir, "system"),
        [Downloader.MirrorVariable] = mirror?.ToString() ?? "http://127.0.0.1:9/",
    };

    private ProcessResult Run(Dictionary<string, string?> environment, params string[] args) =>
        BottleneckProcess.Run(_dir, BottleneckProcess.DefaultTimeout, environment, args);

    [FashionMnistFact]
    public void Datasets_lists_all_four_and_says_where_fashion_mnist_was_found()
    {
        var environment = Isolated();
        environment[DatasetPlaces.DataVariable] = FashionMnistFactAttribute.Directory;

        var result = Run(environment, "datasets");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        var headings = result.StandardOutputLines.Where(l => l.Length > 0 && !l.StartsWith(' ')).Select(l => l.Split(' ')[0]);
        headings.Should().Equal("digits", "mnist", "fashion-mnist", "kmnist");
        result.StandardOutput.Should().Contain($"found in {FashionMnistFactAttribute.Directory}: 60,000 train + 10,000 test images 1×28×28");
        result.StandardOutput.Should().Contain("1,797 images 1×8×8");
    }

    [Fact]
    public void Datasets_says_where_it_looked_for_a_missing_dataset_and_how_to_get_it()
    {
        var result = Run(Isolated(), "datasets", "--data-dir", Path.Combine(_dir, "mine"));

        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.StandardOutputLines;
        int mnist = lines.ToList().FindIndex(l => l.StartsWith("mnist "));
        lines.Skip(mnist + 1).Take(5).Should().Equal(
            "  not found; fetch it with `bottleneck datasets fetch mnist`, or point --data-dir at a folder holding its four files",
            $"    --data-dir       {_dir}/mine: no such directory",
            $"    --data-dir       {_dir}/mine/mnist: no such directory",
            $"    user cache       {Cache}/bottleneck/datasets/mnist: no such directory",
            $"    system           {_dir}/system/mnist: no such directory");
        result.StandardOutput.Should().Contain("`apt-get install dataset-fashion-mnist`");
    }

    [Fact]
    public void Fetch_of_an_unknown_dataset_exits_2_with_one_line()
    {
        var result = Run(Isolated(), "datasets", "fetch", "cifar-10");

        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardErrorLines.Should().Equal("error: unknown dataset 'cifar-10' (expected mnist, fashion-mnist, kmnist)");
        Directory.Exists(Cache).Should().BeFalse("nothing is downloaded");
    }

    [Fact]
    public void Fetch_of_a_file_the_mirror_corrupted_exits_1_and_leaves_nothing_that_looks_complete()
    {
        using var server = new TestHttpServer();
        server.Serve("mnist/train-images-idx3-ubyte.gz", SyntheticIdx.TinyServed["train-images-idx3-ubyte.gz"]);

        var result = Run(Isolated(server.BaseUrl), "datasets", "fetch", "mnist");

        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardErrorLines.Should().ContainSingle(result.ToString())
            .Which.Should().StartWith($"error: {server.Url("mnist/train-images-idx3-ubyte.gz")} has SHA-256 ")
            .And.EndWith("expected 440fcabf73cc546f… (9,912,422 bytes); the mirror served a different file");
        Directory.GetFiles(Cache, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [FashionMnistFact]
    public void Fetch_downloads_from_the_mirror_into_the_user_cache()
    {
        // Debian's files are recompressed: accepted because their uncompressed contents are the published ones.
        using var server = new TestHttpServer();
        var served = MnistFamily.FashionMnist.Files.ToDictionary(f => f.Name, f => LocalGzip(f));
        foreach (var (name, bytes) in served) server.Serve("fashion-mnist/" + name, bytes);

        var result = Run(Isolated(server.BaseUrl), "datasets", "fetch", "fashion-mnist");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        string target = Path.Combine(Cache, "bottleneck", "datasets", "fashion-mnist");
        Directory.GetFiles(target).Select(Path.GetFileName).Should().BeEquivalentTo(MnistFamily.FashionMnist.Files.Select(f => f.Name));
        long size = served["train-images-idx3-ubyte.gz"].Length;
        result.StandardOutputLines.Should().Contain($"downloading {server.Url("fashion-mnist/train-images-idx3-ubyte.gz")} ({size:N0} bytes)")
            .And.Contain($"downloaded train-images-idx3-ubyte.gz: {size:N0} bytes, SHA-256 verified");
        string summary = $"60,000 train + 10,000 test images 1×28×28, {served.Values.Sum(b => b.Length) / 1e6:0.0} MB";
        result.StandardOutputLines[^1].Should().Be($"fetched fashion-mnist into {target}: {summary}");

        var again = Run(Isolated(server.BaseUrl), "datasets", "fetch", "fashion-mnist");
        again.StandardOutputLines.Should().Equal($"fashion-mnist is already present in {target}: {summary}");
        server.Requests.Should().HaveCount(4, "nothing is downloaded twice");
    }

    /// <summary>The local copy of a Fashion-MNIST file as gzip bytes (compressed here if the copy is not).</summary>
    private static byte[] LocalGzip(PublishedFile file)
    {
        string gz = Path.Combine(FashionMnistFactAttribute.Directory!, file.Name);
        return File.Exists(gz) ? File.ReadAllBytes(gz) : SyntheticIdx.Gzip(File.ReadAllBytes(Path.Combine(FashionMnistFactAttribute.Directory!, file.UncompressedName)));
    }
}
