using Bottleneck.Layers;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Layers;

public class PyTorchConvTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("conv_layers.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Layer_forward_and_backward_match_pytorch(string name)
    {
        var c = Fixture.Case("conv_layers.json", name);
        var a = c.GetProperty("args");
        int Arg(string key) => a.GetProperty(key).GetInt32();
        bool bias = !a.TryGetProperty("bias", out var b) || b.GetBoolean();
        Layer layer = c.GetProperty("layer").GetString() switch
        {
            "conv2d" => new Conv2d(Arg("in_channels"), Arg("out_channels"), Arg("kernel_size"), Arg("stride"), Arg("padding"), bias),
            "conv_transpose2d" => new ConvTranspose2d(Arg("in_channels"), Arg("out_channels"), Arg("kernel_size"), Arg("stride"),
                                                      Arg("padding"), Arg("output_padding"), bias),
            "batchnorm1d" => new BatchNorm1d(Arg("num_features"), a.GetProperty("eps").GetDouble(), a.GetProperty("momentum").GetDouble()),
            "batchnorm2d" => new BatchNorm2d(Arg("num_features"), a.GetProperty("eps").GetDouble(), a.GetProperty("momentum").GetDouble()),
            var other => throw new InvalidOperationException($"fixture layer {other}"),
        };
        Load(c, "weight", layer.Parameters[0].Value);
        if (bias) Load(c, "bias", layer.Parameters[1].Value);
        if (layer is BatchNorm bn)
        {
            bn.Train(c.GetProperty("training").GetBoolean());
            Load(c, "running_mean_before", bn.RunningMean);
            Load(c, "running_var_before", bn.RunningVar);
        }

        var x = Fixture.Tensor(c.GetProperty("x"));
        var dy = Fixture.Tensor(c.GetProperty("dy"));
        var y = new Tensor([x.Rows, .. layer.OutputShape(x.Shape[1..])]);
        y.Shape.Should().Equal(dy.Shape);
        var dx = new Tensor(x.Shape);
        layer.Forward(x, y);
        layer.Backward(x, y, dy, dx);

        Close.Check(y.Data, Expected(c, "y"), 1e-4, 1e-5, $"{name} y");
        Close.Check(dx.Data, Expected(c, "dx"), 1e-4, 1e-5, $"{name} dx");
        Close.Check(layer.Parameters[0].Grad.Data, Expected(c, "dweight"), 1e-4, 1e-4, $"{name} dW");
        if (bias) Close.Check(layer.Parameters[1].Grad.Data, Expected(c, "dbias"), 1e-4, 1e-4, $"{name} db");
        if (layer is BatchNorm norm)
        {
            Close.Check(norm.RunningMean.Data, Expected(c, "running_mean"), 1e-5, 1e-6, $"{name} running mean");
            Close.Check(norm.RunningVar.Data, Expected(c, "running_var"), 1e-5, 1e-6, $"{name} running var");
        }
    }

    private static float[] Expected(System.Text.Json.JsonElement c, string key) => Fixture.Tensor(c.GetProperty(key)).Data;

    private static void Load(System.Text.Json.JsonElement c, string key, Tensor into) => Expected(c, key).CopyTo(into.Data, 0);
}
