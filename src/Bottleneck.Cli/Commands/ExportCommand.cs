using System.CommandLine;
using Bottleneck.Export;
using Bottleneck.Runs;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck export</c>: a checkpoint's model, encoder or decoder as an ONNX file for other runtimes.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by bottleneck train", Required = true };
        var format = new Option<string>("--format") { Description = "onnx (the only format so far)", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var part = new Option<string>("--part") { Description = "full (image → reconstruction), encoder (image → code) or decoder (code → image)", DefaultValueFactory = _ => "full" };
        part.AcceptOnlyFromAmong("full", "encoder", "decoder");
        var output = new Option<string?>("--out") { Description = "The file to write [default: model.onnx, model.encoder.onnx or model.decoder.onnx beside the checkpoint]" };

        var command = new Command("export", "Write a trained model (or its encoder or decoder) as ONNX, with a dynamic batch dimension") { checkpoint, format, part, output };
        command.SetAction(parsed =>
        {
            var settings = new ExportSettings(parsed.GetValue(checkpoint)!, Enum.Parse<ModelPart>(parsed.GetValue(part)!, ignoreCase: true), parsed.GetValue(output));
            var result = ExportRun.Execute(settings);
            Console.WriteLine($"{result.Part.ToString().ToLowerInvariant()}: {result.InputName} [batch, {string.Join(", ", result.InputShape)}] → " +
                              $"{result.OutputName} [batch, {string.Join(", ", result.OutputShape)}], ONNX opset {result.Opset}, {result.Bytes:N0} bytes");
            Console.WriteLine($"written: {result.Path}");
            return Cli.Success;
        });
        return command;
    }
}
