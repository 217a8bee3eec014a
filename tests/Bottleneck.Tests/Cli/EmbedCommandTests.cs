using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Tensors;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>End-to-end tests of <c>bottleneck embed</c> in a child process: points from a CSV file, codes of a checkpoint, bad input.</summary>
public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-embed-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    /// <summary>Three separated Gaussian blobs in 6-D, 30 points each, with a label column.</summary>
    private string BlobsCsv(string name = "blobs.csv")
    {
        var random = new RandomState(11);
        var text = new StringBuilder("a,b,c,d,e,f,label\n");
        for (int i = 0; i < 90; i++)
        {
            int label = i % 3;
            for (int j = 0; j < 6; j++)
                text.Append((random.NextGaussian() + (j == label ? 8 : 0)).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(label).Append('\n');
        }
        return WriteFile(name, text.ToString());
    }

    [Fact]
    public void Tsne_of_labelled_points_writes_csv_svg_and_results()
    {
        string outDir = OutDir();
        var result = Run("embed", "--points", BlobsCsv(), "--perplexity", "10", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        AssertNoStackTrace(result);
        File.Exists(Path.Combine(outDir, "report.html")).Should().BeTrue("every run directory gets its report");
        var csv = File.ReadAllLines(Path.Combine(outDir, "embedding.csv"));
        csv[0].Should().Be("x,y,label");
        csv.Should().HaveCount(91);
        var json = ReadResults(outDir);
        json["schema"]!.GetValue<string>().Should().Be("bottleneck/embed/v1");
        json["method"]!.GetValue<string>().Should().Be("tsne");
        json["samples"]!.GetValue<int>().Should().Be(90);
        double kl = json["kl_divergence"]!.GetValue<double>();
        double.IsFinite(kl).Should().BeTrue();
        kl.Should().BePositive();
        json["knn_accuracy"]!.GetValue<double>().Should().Be(1, "the blobs are far apart in the input space");
        json["trustworthiness"]!.GetValue<double>().Should().BeGreaterThan(0.9);
        json["seconds"]!.GetValue<double>().Should().BePositive();
        json["settings"]!["perplexity"]!.GetValue<double>().Should().Be(10);
        var svg = Bottleneck.Tests.Reports.SvgDom.Parse(File.ReadAllText(Path.Combine(outDir, "embedding.svg")));
        Bottleneck.Tests.Reports.SvgDom.Groups(svg, "legend-entry").Should().HaveCount(3);
    }

    [Fact]
    public void Same_seed_gives_the_same_map_on_one_and_two_threads()
    {
        string points = BlobsCsv();
        Run("embed", "--points", points, "--perplexity", "10", "--threads", "1", "--out", OutDir("one")).ExitCode.Should().Be(0);
        Run("embed", "--points", points, "--perplexity", "10", "--threads", "2", "--out", OutDir("two")).ExitCode.Should().Be(0);
        File.ReadAllText(Path.Combine(OutDir("two"), "embedding.csv")).Should().Be(File.ReadAllText(Path.Combine(OutDir("one"), "embedding.csv")));
    }

    [Fact]
    public void Pca_of_points_reports_no_kl_divergence()
    {
        string outDir = OutDir();
        var result = Run("embed", "--points", BlobsCsv(), "--method", "pca", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        var json = ReadResults(outDir);
        json["method"]!.GetValue<string>().Should().Be("pca");
        json["kl_divergence"].Should().BeNull();
        json["explained_variance_ratio"]!.AsArray().Should().HaveCount(2);
        json["knn_accuracy"]!.GetValue<double>().Should().Be(1);
    }

    [Fact]
    public void Codes_of_a_digits_checkpoint_are_embedded_on_its_own_dataset_by_default()
    {
        string trainDir = OutDir("train");
        var trained = Run("train", "--dataset", "digits", "--model", "dense", "--hidden", "32", "--code-size", "8", "--epochs", "2", "--seed", "3", "--out", trainDir);
        trained.ExitCode.Should().Be(0, trained.ToString());

        string outDir = OutDir();
        var result = Run("embed", "--checkpoint", Path.Combine(trainDir, "model.safetensors"), "--samples", "200", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        var json = ReadResults(outDir);
        json["settings"]!["source"]!["dataset"]!.GetValue<string>().Should().Be("digits", "no --dataset means the one the model was trained on");
        json["samples"]!.GetValue<int>().Should().Be(200);
        json["settings"]!["source"]!["code_size"]!.GetValue<int>().Should().Be(8);
        json["settings"]!["source"]!["split_seed"]!.GetValue<uint>().Should().Be(3, "the digits are split as the model's training split them, whatever --seed says");
        json["knn_accuracy"]!.GetValue<double>().Should().BeInRange(0, 1);
        json["tsne"]!["algorithm"]!.GetValue<string>().Should().Be("exact");
        File.ReadAllLines(Path.Combine(outDir, "embedding.csv")).Should().HaveCount(201);
    }

    [Fact]
    public void More_samples_than_test_images_go_on_with_training_images()
    {
        string trainDir = OutDir("train");
        Run("train", "--dataset", "digits", "--model", "dense", "--hidden", "32", "--code-size", "8", "--epochs", "1", "--seed", "3", "--out", trainDir).ExitCode.Should().Be(0);

        // The digits' 1,797 rows split 75/25: 450 test images, then 1,347 training images.
        string outDir = OutDir();
        var result = Run("embed", "--checkpoint", Path.Combine(trainDir, "model.safetensors"), "--samples", "1797", "--method", "pca", "--out", outDir);
        result.ExitCode.Should().Be(0, result.ToString());
        ReadResults(outDir)["samples"]!.GetValue<int>().Should().Be(1797, "every image of the dataset is mapped");
        var rows = File.ReadAllLines(Path.Combine(outDir, "embedding.csv"));
        rows.Should().HaveCount(1798);
        rows.Skip(1).Select(r => r.Split(',')[^1]).Distinct().Should().HaveCount(10, "labels come along for the training images too");
    }

    // ---- bad input: exit code 2, one line on stderr, nothing written ----

    [Fact]
    public void Neither_checkpoint_nor_points_is_rejected() =>
        Rejected(Run("embed", "--out", OutDir())).Should().Contain("--checkpoint").And.Contain("--points");

    [Fact]
    public void Both_checkpoint_and_points_are_rejected() =>
        Rejected(Run("embed", "--checkpoint", "a.safetensors", "--points", BlobsCsv(), "--out", OutDir())).Should().Contain("exactly one");

    [Fact]
    public void Missing_checkpoint_is_rejected() =>
        Rejected(Run("embed", "--checkpoint", Path.Combine(_dir, "nosuch.safetensors"), "--out", OutDir())).Should().Contain("nosuch.safetensors");

    [Fact]
    public void Missing_points_file_is_rejected() =>
        Rejected(Run("embed", "--points", Path.Combine(_dir, "nosuch.csv"), "--out", OutDir())).Should().Contain("nosuch.csv");

    [Fact]
    public void Ragged_points_file_names_the_line() =>
        Rejected(Run("embed", "--points", WriteFile("ragged.csv", "1,2,3\n4,5,6\n7,8\n"), "--out", OutDir())).Should().Contain("ragged.csv").And.Contain("3");

    [Fact]
    public void Zero_perplexity_is_rejected() =>
        Rejected(Run("embed", "--points", BlobsCsv(), "--perplexity", "0", "--out", OutDir())).Should().Contain("--perplexity");

    [Fact]
    public void Perplexity_not_below_the_number_of_points_is_rejected() =>
        Rejected(Run("embed", "--points", BlobsCsv(), "--perplexity", "90", "--out", OutDir())).Should().Contain("90").And.Contain("number of points");

    [Fact]
    public void Unknown_method_is_rejected() =>
        Rejected(Run("embed", "--points", BlobsCsv(), "--method", "umap", "--out", OutDir())).Should().Contain("umap");

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private string OutDir(string name = "out") => Path.Combine(_dir, name);

    private string WriteFile(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Rejected(ProcessResult result) => Refused(result, [2], OutDir());

    private static JsonNode ReadResults(string outDir)
    {
        string path = Path.Combine(outDir, "results.json");
        File.Exists(path).Should().BeTrue($"{path} should exist");
        return JsonNode.Parse(File.ReadAllText(path))!;
    }
}
