using Bottleneck.Layers;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Tests.Layers;
using FluentAssertions;

namespace Bottleneck.Tests.Models;

public class StudyAStepTests
{
    // Study A's model on 16 standardized digits: loss, all four gradients and one Adam step against PyTorch.
    [Fact]
    public void One_training_step_of_study_A_matches_pytorch()
    {
        var f = Fixture.Load("study_a_step.json");
        var model = Presets.Dense([64], 32, [], OutputActivation.Sigmoid, InitScheme.GlorotUniform).Build(new RandomState(0));
        var (d1, d2) = (model.Layers.OfType<Dense>().First(), model.Layers.OfType<Dense>().Last());
        Fixture.Tensor(f.GetProperty("w1")).Data.CopyTo(d1.Weight.Value.Data, 0);
        Fixture.Tensor(f.GetProperty("b1")).Data.CopyTo(d1.Bias.Value.Data, 0);
        Fixture.Tensor(f.GetProperty("w2")).Data.CopyTo(d2.Weight.Value.Data, 0);
        Fixture.Tensor(f.GetProperty("b2")).Data.CopyTo(d2.Bias.Value.Data, 0);
        var x = Fixture.Tensor(f.GetProperty("x"));
        var loss = new BCELoss((float)f.GetProperty("epsilon").GetDouble());
        var adam = new Adam(model.Parameters, 1e-3, 0.9, 0.999, 1e-7);

        var y = model.Forward(x);
        Close.Check(y.Data, Fixture.Tensor(f.GetProperty("y")).Data, 1e-5, 1e-6, "y");
        loss.Forward(y, x).Should().BeApproximately(f.GetProperty("loss").GetDouble(), 1e-5);
        var grad = new Tensor(y.Shape);
        loss.Backward(y, x, grad);
        model.Backward(grad);
        Close.Check(d1.Weight.Grad.Data, Fixture.Tensor(f.GetProperty("dw1")).Data, 1e-4, 1e-6, "dW1");
        Close.Check(d1.Bias.Grad.Data, Fixture.Tensor(f.GetProperty("db1")).Data, 1e-4, 1e-6, "db1");
        Close.Check(d2.Weight.Grad.Data, Fixture.Tensor(f.GetProperty("dw2")).Data, 1e-4, 1e-6, "dW2");
        Close.Check(d2.Bias.Grad.Data, Fixture.Tensor(f.GetProperty("db2")).Data, 1e-4, 1e-6, "db2");

        adam.Step();
        var after = f.GetProperty("after");
        Close.Check(d1.Weight.Value.Data, Fixture.Tensor(after.GetProperty("w1")).Data, 1e-5, 1e-6, "W1 after");
        Close.Check(d2.Weight.Value.Data, Fixture.Tensor(after.GetProperty("w2")).Data, 1e-5, 1e-6, "W2 after");
        Close.Check(d2.Bias.Value.Data, Fixture.Tensor(after.GetProperty("b2")).Data, 1e-5, 1e-6, "b2 after");
    }

    // The whole autoencoder (hidden layers, both halves chained) against finite differences of the loss.
    [Fact]
    public void Deep_autoencoder_parameter_gradients_match_finite_differences()
    {
        var rng = new RandomState(2);
        var model = Presets.Dense([6], 2, [5, 3], OutputActivation.Sigmoid, InitScheme.KaimingUniform).Build(rng);
        var x = new Tensor(4, 6);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.Uniform(0.1, 0.9);
        var loss = new MSELoss();
        model.ZeroGrad();
        var y = model.Forward(x);
        var grad = new Tensor(y.Shape);
        loss.Backward(y, x, grad);
        model.Backward(grad);
        double Objective() => loss.Forward(model.Forward(x), x);
        foreach (var p in model.Parameters)
        {
            var analytic = (float[])p.Grad.Data.Clone();
            Close.Check(analytic, GradientCheck.Numeric(p.Value, Objective), 5e-2, 1e-4, $"{p.Name} {p.Value}");
        }
    }

    [Fact]
    public void Study_A_model_has_the_published_shape()
    {
        var model = Presets.Dense([64], 32, [], OutputActivation.Sigmoid, InitScheme.GlorotUniform).Build(new RandomState(0));
        model.CodeSize.Should().Be(32);
        model.ParameterCount.Should().Be(64 * 32 + 32 + 32 * 64 + 64);
        model.Layers.Select(l => l.ToString()).Should().Equal("Dense(64 → 32)", "ReLU", "Dense(32 → 64)", "Sigmoid");
    }

    [Fact]
    public void Glorot_uniform_weights_fill_their_bound_and_biases_are_zero()
    {
        var model = Presets.Dense([64], 32, [], OutputActivation.Sigmoid, InitScheme.GlorotUniform).Build(new RandomState(1));
        var dense = model.Layers.OfType<Dense>().First();
        double bound = Math.Sqrt(6.0 / (64 + 32));
        dense.Weight.Value.Data.Should().OnlyContain(w => Math.Abs(w) <= bound);
        dense.Weight.Value.Data.Max().Should().BeGreaterThan((float)(0.95 * bound));
        dense.Bias.Value.Data.Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void Kaiming_uniform_weights_and_biases_fill_one_over_root_fan_in()
    {
        var model = Presets.Dense([64], 32, [], OutputActivation.Sigmoid, InitScheme.KaimingUniform).Build(new RandomState(1));
        var dense = model.Layers.OfType<Dense>().First();
        double bound = 1 / Math.Sqrt(64);
        dense.Weight.Value.Data.Should().OnlyContain(w => Math.Abs(w) <= bound);
        dense.Weight.Value.Data.Max().Should().BeGreaterThan((float)(0.95 * bound));
        dense.Bias.Value.Data.Should().OnlyContain(b => Math.Abs(b) <= bound);
        dense.Bias.Value.Data.Should().Contain(b => b != 0);
    }
}
