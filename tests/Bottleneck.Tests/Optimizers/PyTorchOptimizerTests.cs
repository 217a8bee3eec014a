using System.Text.Json;
using Bottleneck.Layers;
using Bottleneck.Optimizers;
using FluentAssertions;

namespace Bottleneck.Tests.Optimizers;

public class PyTorchOptimizerTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("optimizers.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Optimizer_matches_pytorch_over_six_steps(string name)
    {
        var c = Fixture.Case("optimizers.json", name);
        var parameters = c.GetProperty("params").EnumerateArray().Select((p, i) =>
        {
            var param = new Parameter($"p{i}", Fixture.Ints(p.GetProperty("shape")));
            Fixture.Floats(p.GetProperty("initial")).CopyTo(param.Value.Data, 0);
            return param;
        }).ToList();
        var optimizer = Settings(c.GetProperty("optimizer").GetString()!, c.GetProperty("hyper")).Create(parameters);

        int step = 0;
        foreach (var s in c.GetProperty("steps").EnumerateArray())
        {
            step++;
            var grads = s.GetProperty("grads").EnumerateArray().ToList();
            var after = s.GetProperty("params_after").EnumerateArray().ToList();
            for (int i = 0; i < parameters.Count; i++) Fixture.Floats(grads[i]).CopyTo(parameters[i].Grad.Data, 0);
            optimizer.Step();
            for (int i = 0; i < parameters.Count; i++)
                Close.Check(parameters[i].Value.Data, Fixture.Floats(after[i]), 2e-5, 2e-6, $"{name} step {step} param {i}");
        }
        step.Should().BeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public void Negative_learning_rate_is_rejected()
    {
        var act = () => new Adam([new Parameter("w", 2)], -0.1);
        act.Should().Throw<ArgumentException>().WithMessage("*learning rate*");
    }

    [Fact]
    public void Keras_and_pytorch_defaults_differ_where_the_frameworks_do()
    {
        OptimizerSettings.Defaults("adagrad", OptimizerConvention.Keras).InitialAccumulator.Should().Be(0.1);
        OptimizerSettings.Defaults("adagrad", OptimizerConvention.PyTorch).InitialAccumulator.Should().Be(0);
        OptimizerSettings.Defaults("adam", OptimizerConvention.Keras).Epsilon.Should().Be(1e-7);
        OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch).Epsilon.Should().Be(1e-8);
        OptimizerSettings.Defaults("rmsprop", OptimizerConvention.Keras).Rho.Should().Be(0.9);
        OptimizerSettings.Defaults("rmsprop", OptimizerConvention.PyTorch).Rho.Should().Be(0.99);
    }

    // Maps PyTorch's constructor arguments, as the fixture records them, onto our settings.
    private static OptimizerSettings Settings(string optimizer, JsonElement h)
    {
        var betas = h.TryGetProperty("betas", out var b) ? b.EnumerateArray().Select(v => v.GetDouble()).ToArray() : [0.9, 0.999];
        return new OptimizerSettings
        {
            Name = optimizer,
            LearningRate = Fixture.Double(h, "lr"),
            WeightDecay = Fixture.Double(h, "weight_decay"),
            Momentum = Fixture.Double(h, "momentum"),
            Dampening = Fixture.Double(h, "dampening"),
            Nesterov = h.TryGetProperty("nesterov", out var n) && n.GetBoolean(),
            Beta1 = betas[0],
            Beta2 = betas[1],
            Epsilon = Fixture.Double(h, "eps"),
            Rho = optimizer == "rmsprop" ? Fixture.Double(h, "alpha") : Fixture.Double(h, "rho"),
            Centered = h.TryGetProperty("centered", out var ce) && ce.GetBoolean(),
            InitialAccumulator = Fixture.Double(h, "initial_accumulator_value"),
            LrDecay = Fixture.Double(h, "lr_decay"),
            MomentumDecay = Fixture.Double(h, "momentum_decay", 4e-3),
        };
    }
}
