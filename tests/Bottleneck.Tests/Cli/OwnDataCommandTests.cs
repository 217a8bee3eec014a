using System.Text.Json.Nodes;
using Bottleneck.Tests.Data;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>A user's own data through the commands: NumPy files and a folder of IDX files, trained on and studied, and refused in one line when damaged.</summary>
public sealed class OwnDataCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-own-data-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private static string Numpy(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy", name);

    private static JsonNode Results(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!;

    [Fact]
    public void An_npz_with_a_published_split_trains_and_its_checkpoint_is_studied_without_naming_the_data_again()
    {
        string run = Path.Combine(_dir, "npz");
        var train = Run("train", "--dataset", "npz:" + Numpy("split.npz"), "--model", "dense", "--hidden", "8", "--code-size", "2", "--epochs", "2", "--out", run);
        train.ExitCode.Should().Be(0, train.ToString());
        train.StandardOutput.Should().Contain("8 training samples and 4 test samples");

        var robustness = Run("robustness", "--checkpoint", Path.Combine(run, "model.safetensors"), "--noise", "0,0.5", "--occlusion", "0", "--out", Path.Combine(_dir, "rob"));
        robustness.ExitCode.Should().Be(0, robustness.ToString());
        var studied = Results(Path.Combine(_dir, "rob"));
        studied["rows"]!.AsArray().Should().HaveCount(3);
        studied["settings"]!.ToJsonString().Should().Contain("npz:" + Path.GetFullPath(Numpy("split.npz")), "the checkpoint records where its data came from");
    }

    [Fact]
    public void A_folder_of_four_idx_files_trains_a_conv_model_on_its_published_split()
    {
        string data = Directory.CreateDirectory(Path.Combine(_dir, "letters")).FullName;
        File.WriteAllBytes(Path.Combine(data, "letters-train-images-idx3-ubyte.gz"), SyntheticIdx.Gzip(SyntheticIdx.Images(60, 8, 8)));
        File.WriteAllBytes(Path.Combine(data, "letters-train-labels-idx1-ubyte"), SyntheticIdx.Labels(60));
        File.WriteAllBytes(Path.Combine(data, "letters-test-images-idx3-ubyte"), SyntheticIdx.Images(20, 8, 8, seed: 3));
        File.WriteAllBytes(Path.Combine(data, "letters-test-labels-idx1-ubyte"), SyntheticIdx.Labels(20, seed: 3));
        string model = Path.Combine(_dir, "conv.yaml");
        File.WriteAllText(model, "input: [1, 8, 8]\nencoder: [conv2d: {out: 4, kernel: 3, stride: 2, padding: 1}, relu, flatten, dense: 4]\n" +
                                 "decoder: [dense: 64, relu, unflatten: [4, 4, 4], conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}, sigmoid]\n");
        string run = Path.Combine(_dir, "idx");

        var result = Run("train", "--dataset", "idx:" + data, "--model", model, "--epochs", "2", "--batch-size", "16", "--out", run);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("letters: 60 training samples and 20 test samples");
        File.Exists(Path.Combine(run, "reconstructions.png")).Should().BeTrue();
    }

    [Theory]
    [InlineData("npy:object.npy", "allow_pickle")]
    [InlineData("npz:split.npz?x=nothing", "has no array 'nothing'")]
    [InlineData("idx:.", "has no training images file")]
    public void Data_that_cannot_be_used_is_one_line_and_exit_2(string dataset, string expected)
    {
        string spec = dataset[..4] + (dataset[4..] == "." ? _dir : Numpy(dataset[4..].Split('?')[0]) + (dataset.Contains('?') ? "?" + dataset.Split('?')[1] : ""));
        string run = Path.Combine(_dir, "refused");
        Refused(Run("train", "--dataset", spec, "--model", "dense", "--epochs", "1", "--out", run), [2], run).Should().Contain(expected);
    }

    [Fact]
    public void A_folder_of_colour_images_trains_the_rgb_lab_model_and_its_reports_are_in_colour()
    {
        SyntheticImages.RedAndBlue(Path.Combine(_dir, "photos"), train: 12, test: 4, size: 40, seed: 5);
        string run = Path.Combine(_dir, "rgb");
        string dataset = $"images:{Path.Combine(_dir, "photos")}?size=32";

        var train = Run("train", "--dataset", dataset, "--model", "lab-rgb", "--code-size", "8", "--epochs", "1", "--batch-size", "8", "--out", run);

        train.ExitCode.Should().Be(0, train.ToString());
        train.StandardOutput.Should().Contain("photos: 24 training samples and 8 test samples");
        Bottleneck.Tests.Reports.PngDecoder.Decode(File.ReadAllBytes(Path.Combine(run, "reconstructions.png"))).Channels.Should().Be(3);
        var robustness = Run("robustness", "--checkpoint", Path.Combine(run, "model.safetensors"), "--noise", "0,0.5", "--occlusion", "0,0.5", "--out", Path.Combine(_dir, "rgb-rob"));
        robustness.ExitCode.Should().Be(0, robustness.ToString());
        Bottleneck.Tests.Reports.PngDecoder.Decode(File.ReadAllBytes(Path.Combine(_dir, "rgb-rob", "noise-examples.png"))).Channels.Should().Be(3);
    }
}
