using Bottleneck.Layers;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Layers;

public class PyTorchLayerTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("layers.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Layer_forward_and_backward_match_pytorch(string name)
    {
        var c = Fixture.Case("layers.json", name);
        var x = Fixture.Tensor(c.GetProperty("x"));
        var dy = Fixture.Tensor(c.GetProperty("dy"));
        var args = c.GetProperty("args");
        Layer layer = c.GetProperty("layer").GetString() switch
        {
            "linear" => new Dense(args.GetProperty("in_features").GetInt32(), args.GetProperty("out_features").GetInt32()),
            "relu" => new ReLU(),
            "leaky_relu" => new LeakyReLU((float)args.GetProperty("negative_slope").GetDouble()),
            "sigmoid" => new Sigmoid(),
            "tanh" => new Tanh(),
            var other => throw new InvalidOperationException($"fixture layer {other}"),
        };
        if (layer is Dense dense)
        {
            Fixture.Tensor(c.GetProperty("weight")).Data.CopyTo(dense.Weight.Value.Data, 0);
            Fixture.Tensor(c.GetProperty("bias")).Data.CopyTo(dense.Bias.Value.Data, 0);
        }

        var y = new Tensor(dy.Shape);
        var dx = new Tensor(x.Shape);
        layer.Forward(x, y);
        layer.Backward(x, y, dy, dx);

        Close.Check(y.Data, Fixture.Tensor(c.GetProperty("y")).Data, 1e-5, 1e-6, $"{name} y");
        Close.Check(dx.Data, Fixture.Tensor(c.GetProperty("dx")).Data, 1e-5, 1e-6, $"{name} dx");
        if (layer is Dense d)
        {
            Close.Check(d.Weight.Grad.Data, Fixture.Tensor(c.GetProperty("dweight")).Data, 1e-5, 1e-6, $"{name} dW");
            Close.Check(d.Bias.Grad.Data, Fixture.Tensor(c.GetProperty("dbias")).Data, 1e-5, 1e-6, $"{name} db");
        }
    }

    [Fact]
    public void Dense_rejects_an_input_of_the_wrong_width()
    {
        var act = () => new Dense(64, 32).OutputShape([63]);
        act.Should().Throw<ArgumentException>().WithMessage("*64*63*");
    }
}
