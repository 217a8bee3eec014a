using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;
using FluentAssertions;
using Xunit;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// End-to-end tests of <c>bottleneck robustness</c> on the embedded 8×8 digits: a checkpoint from
/// <c>bottleneck train</c> (or one written in-process), then the curves, charts and example grids.
/// </summary>
public sealed class RobustnessCommandTests : IDisposable
{
    private static readonly string[] RunFiles =
        ["robustness.csv", "noise.svg", "occlusion.svg", "noise-examples.png", "occlusion-examples.png", "results.json", "report.html"];

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-robustness-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Robustness_of_a_trained_digits_model_on_its_own_dataset_writes_curves_charts_examples_and_results()
    {
        var train = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "2", "--seed", "5", "--out", Path.Combine(_dir, "model"));
        train.ExitCode.Should().Be(0, train.ToString());
        string outDir = OutDir();

        // No --dataset: the one the model was trained on.
        var result = Run("robustness", "--checkpoint", Path.Combine(_dir, "model", "model.safetensors"),
                         "--samples", "200", "--noise", "0:1:0.25", "--occlusion", "0,0.5", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        AssertNoStackTrace(result);
        foreach (var file in RunFiles)
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written\n{result}");
        Directory.GetFiles(outDir, "*.partial*").Should().BeEmpty();

        // One progress line per level.
        result.StandardOutputLines.Where(l => Regex.IsMatch(l, @"^noise [\d.]+: reconstruction MSE \d\.\d+ ± \d\.\d+, corrupted input \d\.\d+$")).Should().HaveCount(5, result.ToString());
        result.StandardOutputLines.Where(l => Regex.IsMatch(l, @"^occlusion [\d.]+: reconstruction MSE")).Should().HaveCount(2, result.ToString());

        var csv = File.ReadAllLines(Path.Combine(outDir, "robustness.csv")).Where(l => l.Length > 0).ToList();
        csv[0].Should().Be("corruption,level,mse_mean,mse_std,input_mse_mean");
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Select(r => $"{r[0]} {r[1]}").Should().Equal("noise 0", "noise 0.25", "noise 0.5", "noise 0.75", "noise 1", "occlusion 0", "occlusion 0.5");
        double Cell(int row, int column) => double.Parse(rows[row][column], CultureInfo.InvariantCulture);
        Cell(0, 4).Should().Be(0, "level 0 leaves the input clean");
        Cell(4, 4).Should().BeApproximately(1.0, 0.05, "unclipped noise of α = 1 has input MSE ≈ α²");
        Cell(0, 2).Should().Be(Cell(5, 2), "level 0 of both corruptions is the plain reconstruction error");

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        json["schema"]!.GetValue<string>().Should().Be(RobustnessReport.SchemaName);
        json["settings"]!["samples"]!.GetValue<int>().Should().Be(200);
        json["settings"]!["dataset"]!.GetValue<string>().Should().Be("digits");
        json["settings"]!["occlusion"]!.GetValue<string>().Should().Be("pixels");
        json["settings"]!["split_seed"]!.GetValue<uint>().Should().Be(5, "digits are split as the checkpoint's training run split them");
        var jsonRows = json["rows"]!.AsArray();
        jsonRows.Should().HaveCount(7);
        jsonRows[3]!["mse_mean"]!.GetValue<double>().Should().Be(Cell(3, 2));

        foreach (var chart in new[] { "noise.svg", "occlusion.svg" })
            XDocument.Load(Path.Combine(outDir, chart)).Root!.Name.LocalName.Should().Be("svg");
        // Three example images × (clean, corrupted, reconstructed) rows; one column per level.
        PngSize(File.ReadAllBytes(Path.Combine(outDir, "noise-examples.png"))).Should().Be(GridSize(columns: 5, rows: 9, groups: 3));
        PngSize(File.ReadAllBytes(Path.Combine(outDir, "occlusion-examples.png"))).Should().Be(GridSize(columns: 2, rows: 9, groups: 3));
    }

    [Fact]
    public void Block_occlusion_and_clipped_noise_are_recorded_and_the_same_seed_repeats_the_numbers()
    {
        string checkpoint = WriteCheckpoint([1, 8, 8]);
        string[] args = ["robustness", "--checkpoint", checkpoint, "--dataset", "digits", "--samples", "50",
                         "--noise", "0.5", "--occlusion", "0.25,1", "--block", "--clip", "--seed", "3"];

        var first = Run([.. args, "--threads", "2", "--out", OutDir("a")]);
        var second = Run([.. args, "--threads", "1", "--out", OutDir("b")]);

        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        File.ReadAllText(Path.Combine(OutDir("a"), "robustness.csv")).Should().Be(File.ReadAllText(Path.Combine(OutDir("b"), "robustness.csv")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(OutDir("a"), "results.json")))!;
        json["settings"]!["occlusion"]!.GetValue<string>().Should().Be("block");
        json["settings"]!["clip"]!.GetValue<bool>().Should().BeTrue();
        var occluded = json["rows"]!.AsArray().Last()!;
        occluded["level"]!.GetValue<double>().Should().Be(1);
        occluded["kind"]!.GetValue<string>().Should().Be("block");
        json["rows"]!.AsArray()[0]!["input_mse_mean"]!.GetValue<double>().Should().BeLessThan(0.25, "clipping removes part of α = 0.5 noise");
    }

    [Fact]
    public void A_missing_checkpoint_is_one_line_exit_2()
    {
        string line = Rejected(Run("robustness", "--checkpoint", Path.Combine(_dir, "nope.safetensors"), "--dataset", "digits", "--out", OutDir()), 2);
        line.Should().Contain("nope.safetensors").And.Contain("does not exist");
    }

    [Fact]
    public void A_checkpoint_for_other_images_is_one_line_exit_2()
    {
        string checkpoint = WriteCheckpoint([1, 28, 28]);
        string line = Rejected(Run("robustness", "--checkpoint", checkpoint, "--dataset", "digits", "--out", OutDir()), 2);
        line.Should().Contain("[1, 28, 28]").And.Contain("[1, 8, 8]");
    }

    [Theory]
    [InlineData("--noise", "1:0:0.1", "below start")]
    [InlineData("--noise", "0:1:0", "step must be positive")]
    [InlineData("--occlusion", "0,x", "'x' is not a number")]
    [InlineData("--occlusion", "0:1.5:0.5", "at most 1")]
    [InlineData("--samples", "0", "at least 1")]
    public void Bad_options_are_one_line_exit_2(string option, string value, string reason)
    {
        string checkpoint = WriteCheckpoint([1, 8, 8]);
        string line = Rejected(Run("robustness", "--checkpoint", checkpoint, "--dataset", "digits", option, value, "--out", OutDir()), 2);
        line.Should().Contain(reason);
    }

    // ---- helpers --------------------------------------------------------------------------------

    [Fact]
    public void Two_checkpoints_share_the_corrupted_images_and_every_chart()
    {
        foreach (var (name, extra) in new[] { ("plain", Array.Empty<string>()), ("denoising", new[] { "--denoise", "noise:0.3" }) })
        {
            var train = Run(["train", "--dataset", "digits", "--model", "dense", "--epochs", "3", "--seed", "5", "--out", Path.Combine(_dir, name), .. extra]);
            train.ExitCode.Should().Be(0, train.ToString());
        }
        string plain = Path.Combine(_dir, "plain", "model.safetensors"), denoising = Path.Combine(_dir, "denoising", "model.safetensors");
        string[] levels = ["--samples", "100", "--noise", "0,0.5", "--occlusion", "0.25"];
        var alone = Run(["robustness", "--checkpoint", plain, .. levels, "--out", OutDir("alone")]);
        alone.ExitCode.Should().Be(0, alone.ToString());
        var both = Run(["robustness", "--checkpoint", plain, "--checkpoint", denoising, "--label", "plain", "--label", "denoising", .. levels, "--out", OutDir("both")]);
        both.ExitCode.Should().Be(0, both.ToString());
        both.StandardError.Should().BeEmpty();

        var csv = File.ReadAllLines(Path.Combine(OutDir("both"), "robustness.csv")).Where(l => l.Length > 0).ToList();
        csv[0].Should().Be("model,corruption,level,mse_mean,mse_std,input_mse_mean");
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Select(r => $"{r[0]} {r[1]} {r[2]}").Should().Equal(
            "plain noise 0", "plain noise 0.5", "plain occlusion 0.25", "denoising noise 0", "denoising noise 0.5", "denoising occlusion 0.25");
        // The first model's numbers are those it has alone, and both saw the same corrupted inputs.
        var aloneRows = File.ReadAllLines(Path.Combine(OutDir("alone"), "robustness.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        rows.Take(3).Select(r => string.Join(",", r.Skip(1))).Should().Equal(aloneRows);
        for (int i = 0; i < 3; i++) rows[i][5].Should().Be(rows[i + 3][5], "the corrupted input is the same for every model");
        rows[1][3].Should().NotBe(rows[4][3], "two different models reconstruct differently");

        var svg = XDocument.Load(Path.Combine(OutDir("both"), "noise.svg"));
        string text = string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + "\n"));
        text.Should().Contain("plain ± std").And.Contain("denoising ± std").And.Contain("corrupted input").And.Contain("log scale");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(OutDir("both"), "results.json")))!;
        json["models"]!.AsArray().Select(m => (string)m!["label"]!).Should().Equal("plain", "denoising");
        json["rows"]!.AsArray().Select(r => (string)r!["model"]!).Distinct().Should().Equal("plain", "denoising");
        JsonNode.Parse(File.ReadAllText(Path.Combine(OutDir("alone"), "results.json")))!.AsObject().ContainsKey("models").Should().BeFalse();
        File.ReadAllText(Path.Combine(OutDir("both"), "report.html")).Should().Contain("reconstructed by plain, then denoising");
    }

    [Fact]
    public void Labels_that_do_not_match_the_checkpoints_are_refused()
    {
        var train = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "1", "--out", Path.Combine(_dir, "model"));
        train.ExitCode.Should().Be(0, train.ToString());
        string model = Path.Combine(_dir, "model", "model.safetensors");
        Rejected(Run("robustness", "--checkpoint", model, "--checkpoint", model, "--label", "only-one", "--out", OutDir()), 2)
            .Should().Contain("--label").And.Contain("2 checkpoints");
        Rejected(Run("robustness", "--checkpoint", model, "--checkpoint", model, "--label", "a", "--label", "a", "--out", OutDir()), 2)
            .Should().Contain("--label").And.Contain("alike");
        Rejected(Run("robustness", "--checkpoint", model, "--checkpoint", Path.Combine(_dir, "missing.safetensors"), "--out", OutDir()), 2)
            .Should().Contain("missing.safetensors").And.Contain("does not exist");
    }

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private string OutDir(string name = "out") => Path.Combine(_dir, name);

    /// <summary>A dense autoencoder with random weights for images of <paramref name="input"/>, saved as train would.</summary>
    private string WriteCheckpoint(int[] input)
    {
        var spec = Presets.Dense(input, 6, [16], OutputActivation.Sigmoid, InitScheme.KaimingUniform);
        string path = Path.Combine(_dir, $"model-{string.Join("x", input)}.safetensors");
        Checkpoint.Save(path, spec.Build(new RandomState(1)), spec);
        return path;
    }

    private string Rejected(ProcessResult result, int exitCode) => Refused(result, [exitCode], OutDir());

    private static (int Width, int Height) PngSize(byte[] png)
    {
        System.Text.Encoding.ASCII.GetString(png, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    // ImageGrid's layout for 8×8 images at scale 2, with a wider gap between groups of rows.
    private static (int Width, int Height) GridSize(int columns, int rows, int groups) =>
        (ImageGrid.Gap + columns * (16 + ImageGrid.Gap), ImageGrid.Gap + rows * (16 + ImageGrid.Gap) + (groups - 1) * (ImageGrid.GroupGap - ImageGrid.Gap));
}
