using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Models;

public class ModelSpecTests
{
    private const string LabYaml = """
        # study B's lab model, written out by hand
        input: [1, 28, 28]
        init: kaiming
        encoder:
          - conv2d: {out: 8, kernel: 3, stride: 2, padding: 1}
          - relu
          - conv2d: {out: 16, kernel: 3, stride: 2, padding: 1}
          - relu
          - conv2d: {out: 32, kernel: 3, stride: 2, padding: 0}
          - relu
          - flatten
          - dense: 64
          - relu
          - dense: 20
        decoder:
          - dense: 64
          - relu
          - dense: 288
          - relu
          - unflatten: [32, 3, 3]
          - conv_transpose2d: {out: 16, kernel: 3, stride: 2, padding: 0, output_padding: 0}
          - relu
          - conv_transpose2d: {out: 8, kernel: 3, stride: 2, padding: 1, output_padding: 1}
          - relu
          - conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}
          - sigmoid
        """;

    [Fact]
    public void Lab_preset_has_study_B_shapes_and_pytorchs_parameter_count()
    {
        var model = Presets.Lab(20).Build(new RandomState(0));
        model.ParameterCount.Should().Be(51_605);
        model.CodeSize.Should().Be(20);
        model.OutputShape.Should().Equal(1, 28, 28);
        model.Encoder.LayerOutputShapes.Select(s => string.Join("x", s)).Should().Equal(
            "8x14x14", "8x14x14", "16x7x7", "16x7x7", "32x3x3", "32x3x3", "288", "64", "64", "20");
        model.Decoder.LayerOutputShapes.Select(s => string.Join("x", s)).Should().Equal(
            "64", "64", "288", "288", "32x3x3", "16x7x7", "16x7x7", "8x14x14", "8x14x14", "1x28x28", "1x28x28");
    }

    [Fact]
    public void A_yaml_model_file_describes_the_lab_model()
    {
        var spec = ModelSpec.Parse(LabYaml, "lab.yaml");
        spec.ToJson().ToJsonString().Should().Be(Presets.Lab(20).ToJson().ToJsonString());
    }

    [Fact]
    public void The_json_form_reads_back_to_the_same_model()
    {
        var spec = Presets.Dense([64], 8, [32, 16], OutputActivation.Linear, InitScheme.GlorotUniform);
        string json = spec.ToJson().ToJsonString();
        ModelSpec.Parse(json, "model.json").ToJson().ToJsonString().Should().Be(json);
    }

    [Theory]
    [InlineData("input: [64]\nencoder: [dense: 8, relu, blur]\ndecoder: [dense: 64]", "model.yaml line 2: unknown layer type 'blur'*")]
    [InlineData("input: [64]\nencoder: [conv2d: {kernel: 3}]\ndecoder: [dense: 64]", "model.yaml line 2: conv2d needs 'out'*")]
    [InlineData("input: [64]\nencoder: [dense: {out: 8, size: 3}]\ndecoder: [dense: 64]", "model.yaml line 2: dense has no setting 'size'*")]
    [InlineData("input: [64]\nencoder: [dense: 8, conv2d: {out: 4, kernel: 3}]\ndecoder: [dense: 64]", "model.yaml line 2: encoder layer 2 (conv2d)*unflatten*")]
    [InlineData("input: [64]\nencoder:\n  - dense: 8\n  - relu\ndecoder:\n  - dense: 64\n  - unflatten: [1, 8, 8]\n  - conv2d: {out: 1, kernel: 9}", "model.yaml line 8: decoder layer 3 (conv2d)*")]
    [InlineData("input: [64]\ndecoder: [dense: 64]", "model.yaml: 'encoder' is missing")]
    [InlineData("input: [64]\nencoder:\n  - dense: 8\n  - : 0.01\ndecoder: [dense: 64]", "model.yaml line 4: an entry has no key*")]
    [InlineData("input: [64]\nencoder: [dense: 8\ndecoder: [dense: 64]", "model.yaml*")]
    [InlineData("input: [64]\nencoder: [dense: 8]\ndecoder: [dense: 64]\nlayers: 3", "model.yaml line 4: unknown key 'layers'*")]
    public void A_bad_model_file_is_one_clear_error(string text, string message) =>
        FluentActions.Invoking(() => ModelSpec.Parse(text, "model.yaml")).Should().Throw<DataFormatException>().WithMessage(message);

    [Fact]
    public void Summary_lists_every_layer_with_shape_and_parameters()
    {
        string summary = ModelSummary.Format(Presets.Lab(20).Build(new RandomState(0)));
        summary.Should().Contain("encoder.0").And.Contain("Conv2d(1 → 8, k3, s2, p1)").And.Contain("[8, 14, 14]").And.Contain("80");
        summary.Should().Contain("decoder.9").And.Contain("ConvTranspose2d(8 → 1, k3, s2, p1, op1)").And.Contain("[1, 28, 28]");
        summary.Should().Contain("51,605 parameters; code size 20");
    }

    [Fact]
    public void Lab_model_gradients_match_finite_differences()
    {
        var model = Presets.Lab(4).Build(new RandomState(3));
        var rng = new RandomState(4);
        var x = new Tensor(2, 1, 28, 28);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        var loss = new Bottleneck.Losses.MSELoss();
        model.ZeroGrad();
        var y = model.Forward(x);
        var grad = new Tensor(y.Shape);
        loss.Backward(y, x, grad);
        model.Backward(grad);
        // Summed in double, so the small step below is not drowned by float rounding of the loss.
        double Objective()
        {
            var output = model.Forward(x);
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += ((double)output[i] - x[i]) * ((double)output[i] - x[i]);
            return sum / output.Length * 1e4;
        }
        // Spot-check a few entries of each parameter: the whole model is too big to perturb every weight.
        // A step can straddle a ReLU kink somewhere in the batch, so agreement at either of two step
        // sizes counts; a wrong formula disagrees at both.
        double Numeric(Bottleneck.Layers.Parameter p, int i, float h)
        {
            float saved = p.Value[i];
            p.Value[i] = saved + h; double plus = Objective();
            p.Value[i] = saved - h; double minus = Objective();
            p.Value[i] = saved;
            return (plus - minus) / ((double)(saved + h) - (saved - h));
        }
        foreach (var p in model.Parameters)
            for (int i = 0; i < p.Value.Length; i += Math.Max(1, p.Value.Length / 5))
            {
                double analytic = p.Grad[i] * 1e4;
                var numeric = new[] { Numeric(p, i, 1e-3f), Numeric(p, i, 1e-4f) };
                numeric.Should().Contain(v => Math.Abs(v - analytic) <= 2e-2 * Math.Abs(v) + 2e-2,
                    $"{p.Name}[{i}] of {p.Value}: analytic {analytic}");
            }
    }
}
