using FluentAssertions;
using Microsoft.ML.OnnxRuntime;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary><c>bottleneck export</c> as a user runs it: a trained checkpoint to ONNX files that ONNX Runtime loads, and bad input in one line.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-export-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    [Fact]
    public void A_trained_model_exports_whole_and_in_halves_beside_its_checkpoint_or_where_asked()
    {
        string run = Path.Combine(_dir, "run");
        Run("train", "--dataset", "digits", "--model", "dense", "--code-size", "6", "--epochs", "1", "--out", run).ExitCode.Should().Be(0);
        string checkpoint = Path.Combine(run, "model.safetensors");

        var full = Run("export", "--checkpoint", checkpoint);
        full.ExitCode.Should().Be(0, full.ToString());
        full.StandardOutput.Should().Contain("full: input [batch, 1, 8, 8] → reconstruction [batch, 1, 8, 8], ONNX opset 17");
        var encoder = Run("export", "--checkpoint", checkpoint, "--part", "encoder");
        encoder.StandardOutput.Should().Contain("encoder: input [batch, 1, 8, 8] → code [batch, 6]");
        string custom = Path.Combine(_dir, "deploy", "decoder.onnx");
        Run("export", "--checkpoint", checkpoint, "--part", "decoder", "--out", custom).ExitCode.Should().Be(0);

        foreach (var (file, input) in new[] { (Path.Combine(run, "model.onnx"), "input"), (Path.Combine(run, "model.encoder.onnx"), "input"), (custom, "code") })
        {
            using var session = new InferenceSession(file);
            session.InputMetadata.Keys.Should().Equal(input);
            session.ModelMetadata.CustomMetadataMap.Should().ContainKey("training");
        }
        Directory.GetFiles(run, "*.partial*").Should().BeEmpty();
    }

    [Fact]
    public void A_missing_checkpoint_an_unknown_part_or_format_is_one_line()
    {
        Refused(Run("export", "--checkpoint", Path.Combine(_dir, "none.safetensors")), [2]).Should().Contain("no such file");
        Refused(Run("export", "--checkpoint", "x.safetensors", "--part", "middle"), [2]).Should().Contain("middle");
        Refused(Run("export", "--checkpoint", "x.safetensors", "--format", "tflite"), [2]).Should().Contain("tflite");
    }
}
