using Bottleneck.Export;
using Bottleneck.Models;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck export</c> writes: <paramref name="Part"/> of the model in <paramref name="Checkpoint"/> as ONNX to <paramref name="Out"/> (null: beside the checkpoint).</summary>
public sealed record ExportSettings(string Checkpoint, ModelPart Part = ModelPart.Full, string? Out = null);

/// <summary>The file written, and what it holds.</summary>
public sealed record ExportResult(string Path, ModelPart Part, long Bytes, string InputName, int[] InputShape, string OutputName, int[] OutputShape, int Opset);

/// <summary>Exports a trained model for other runtimes.</summary>
public static class ExportRun
{
    /// <summary>Where the file goes by default: model.onnx, model.encoder.onnx or model.decoder.onnx beside the checkpoint.</summary>
    public static string DefaultPath(string checkpoint, ModelPart part) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!,
                     part == ModelPart.Full ? "model.onnx" : $"model.{part.ToString().ToLowerInvariant()}.onnx");

    /// <summary>Loads the checkpoint (its architecture from its metadata), writes the ONNX file and says what it holds.</summary>
    public static ExportResult Execute(ExportSettings settings)
    {
        var (model, spec, metadata) = Checkpoint.Load(settings.Checkpoint);
        if (model.Variational)
            throw new SettingException("checkpoint", $"{settings.Checkpoint} is a variational autoencoder, which the ONNX export does not cover yet (its encoder's head holds μ and log σ²)");
        string path = settings.Out ?? DefaultPath(settings.Checkpoint, settings.Part);
        if (Directory.Exists(path)) throw new SettingException("out", $"{path} is a folder; give the file to write, e.g. {Path.Combine(path, "model.onnx")}");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        byte[] bytes = OnnxExport.ToBytes(model, spec, settings.Part, metadata);
        AtomicFile.WriteAllBytes(path, bytes);
        var (input, output) = OnnxExport.Names(settings.Part);
        var (inputShape, outputShape) = settings.Part switch
        {
            ModelPart.Encoder => (model.Encoder.InputShape, model.Encoder.OutputShape),
            ModelPart.Decoder => (model.Decoder.InputShape, model.Decoder.OutputShape),
            _ => (model.InputShape, model.OutputShape),
        };
        return new ExportResult(path, settings.Part, bytes.Length, input, inputShape, output, outputShape, OnnxExport.Opset);
    }
}
