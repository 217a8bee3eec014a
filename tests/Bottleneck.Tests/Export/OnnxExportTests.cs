using Bottleneck.Export;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Tensors;
using FluentAssertions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Bottleneck.Tensors.Tensor;
using Xunit.Abstractions;

namespace Bottleneck.Tests.Export;

/// <summary>
/// Exported models run in ONNX Runtime and give Bottleneck's own outputs: every preset and a model file with every
/// layer kind, as a whole, as encoder and as decoder, on a batch size the export never saw; and PyTorch's lab model
/// (weights PyTorch wrote) gives PyTorch's outputs.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    // Every layer kind, BatchNorm with running statistics away from 0 and 1 so eval mode is really checked.
    private const string EveryLayer = """
        input: [1, 8, 8]
        encoder:
          - conv2d: {out: 4, kernel: 3, stride: 2, padding: 1}
          - batchnorm2d
          - leaky_relu: 0.2
          - conv2d: {out: 6, kernel: 3, stride: 1, padding: 0, bias: 0}
          - tanh
          - flatten
          - dropout: 0.3
          - dense: 12
          - batchnorm1d
          - relu
          - dense: 5
        decoder:
          - dense: 24
          - sigmoid
          - unflatten: [6, 2, 2]
          - conv_transpose2d: {out: 4, kernel: 3, stride: 2, padding: 1, output_padding: 1}
          - relu
          - conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}
          - sigmoid
        """;

    public static TheoryData<string> Models() => ["lab", "lab-rgb", "dense", "study-a", "every-layer"];

    private static ModelSpec Spec(string name) => name switch
    {
        "lab" => Presets.Lab(20),
        "lab-rgb" => Presets.LabRgb(16),
        "dense" => Presets.Dense([1, 28, 28], 16, [128, 64], OutputActivation.Sigmoid, InitScheme.KaimingUniform),
        "study-a" => Presets.Dense([64], 32, [], OutputActivation.Sigmoid, InitScheme.GlorotUniform),
        _ => ModelSpec.Parse(EveryLayer, "every-layer.yaml"),
    };

    private static Autoencoder Trained(ModelSpec spec)
    {
        var model = spec.Build(new RandomState(3));
        var rng = new RandomState(4);
        foreach (var layer in model.Layers.OfType<BatchNorm>())
            foreach (var (name, value) in layer.Buffers)
                for (int i = 0; i < value.Length; i++) value.Data[i] = name == "running_var" ? 0.5f + (float)rng.NextDouble() : (float)rng.NextDouble() - 0.5f;
        model.Eval();
        return model;
    }

    private static Tensor Batch(int[] perSample, int n, uint seed)
    {
        var rng = new RandomState(seed);
        var x = new Tensor([n, .. perSample]);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)rng.NextDouble();
        return x;
    }

    private static float[] RunOnnx(byte[] onnx, string input, Tensor x)
    {
        using var session = new InferenceSession(onnx);
        var tensor = new DenseTensor<float>(x.Data.AsMemory(0, x.Length), x.Shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
        return [.. results.Single().AsEnumerable<float>()];
    }

    private static double MaxDifference(float[] a, ReadOnlySpan<float> b)
    {
        a.Length.Should().Be(b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_exported_model_encoder_and_decoder_give_bottlenecks_outputs_in_onnx_runtime(string name)
    {
        var spec = Spec(name);
        var model = Trained(spec);
        var x = Batch(spec.Input, 7, 11);
        var code = model.Encode(x);
        var expectedCode = code.Data[..code.Length];
        var reconstruction = model.Forward(x).Data[..x.Length];
        var decoded = model.Decoder.Forward(code).Data[..x.Length];
        var metadata = new Dictionary<string, string> { ["training"] = "{\"epochs\": 2}" };

        double full = MaxDifference(RunOnnx(OnnxExport.ToBytes(model, spec, ModelPart.Full, metadata), "input", x), reconstruction);
        double encoder = MaxDifference(RunOnnx(OnnxExport.ToBytes(model, spec, ModelPart.Encoder, metadata), "input", x), expectedCode);
        double decoder = MaxDifference(RunOnnx(OnnxExport.ToBytes(model, spec, ModelPart.Decoder, metadata), "code", code), decoded);
        output.WriteLine($"{name}: max |Δ| full {full:E2}, encoder {encoder:E2}, decoder {decoder:E2}");

        full.Should().BeLessThan(1e-5);
        encoder.Should().BeLessThan(1e-5);
        decoder.Should().BeLessThan(1e-5);
    }

    [Fact]
    public void The_export_has_a_dynamic_batch_opset_17_and_the_models_metadata()
    {
        var spec = Spec("lab");
        byte[] onnx = OnnxExport.ToBytes(Trained(spec), spec, ModelPart.Encoder, new Dictionary<string, string> { ["training"] = "{\"epochs\": 2}", ["test_mse"] = "0.02" });
        using var session = new InferenceSession(onnx);

        session.InputMetadata["input"].Dimensions.Should().Equal(-1, 1, 28, 28);
        session.OutputMetadata["code"].Dimensions.Should().Equal(-1, 20);
        var meta = session.ModelMetadata;
        meta.ProducerName.Should().Be("Bottleneck");
        meta.CustomMetadataMap["training"].Should().Be("{\"epochs\": 2}");
        meta.CustomMetadataMap["test_mse"].Should().Be("0.02");
        meta.CustomMetadataMap["part"].Should().Be("encoder");
        ModelSpec.Parse(meta.CustomMetadataMap["architecture"], "architecture").ToJson().ToJsonString().Should().Be(spec.ToJson().ToJsonString());
        foreach (int n in new[] { 1, 3 })
            RunOnnx(onnx, "input", Batch(spec.Input, n, 2)).Length.Should().Be(n * 20, "any batch size runs");
    }

    [Fact]
    public void PyTorchs_lab_model_exported_from_its_own_checkpoint_gives_pytorchs_outputs()
    {
        var f = Fixture.Load("lab_model.json");
        var (model, spec, metadata) = Checkpoint.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lab_torch.safetensors"), Presets.Lab(20));
        model.Eval();
        var x = Fixture.Tensor(f.GetProperty("x"));

        double full = MaxDifference(RunOnnx(OnnxExport.ToBytes(model, spec, ModelPart.Full, metadata), "input", x), Fixture.Tensor(f.GetProperty("y")).Data);
        double code = MaxDifference(RunOnnx(OnnxExport.ToBytes(model, spec, ModelPart.Encoder, metadata), "input", x), Fixture.Tensor(f.GetProperty("z")).Data);
        output.WriteLine($"PyTorch lab model: max |Δ| reconstruction {full:E2}, code {code:E2}");

        full.Should().BeLessThan(1e-5);
        code.Should().BeLessThan(1e-5);
    }
}
