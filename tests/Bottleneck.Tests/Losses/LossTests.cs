using Bottleneck.Losses;
using Bottleneck.Tensors;
using Bottleneck.Tests.Layers;
using FluentAssertions;

namespace Bottleneck.Tests.Losses;

public class LossTests
{
    // The reconstruction losses; the code penalty (loss_fn code_l1) has its own test below.
    public static TheoryData<string> Names() =>
        [.. Fixture.Cases("losses.json").Where(c => c.GetProperty("loss_fn").GetString() != "code_l1").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_and_gradient_match_pytorch(string name)
    {
        var c = Fixture.Case("losses.json", name);
        var pred = Fixture.Tensor(c.GetProperty("pred"));
        var target = Fixture.Tensor(c.GetProperty("target"));
        Loss loss = c.GetProperty("loss_fn").GetString() == "mse" ? new MSELoss() : new BCELoss((float)c.GetProperty("epsilon").GetDouble());
        var grad = new Tensor(pred.Shape);

        loss.Forward(pred, target).Should().BeApproximately(c.GetProperty("loss").GetDouble(), 1e-5 * Math.Max(1, Math.Abs(c.GetProperty("loss").GetDouble())));
        loss.Backward(pred, target, grad);
        Close.Check(grad.Data, Fixture.Tensor(c.GetProperty("grad")).Data, 1e-4, 1e-6, $"{name} grad");
    }

    [Fact]
    public void Code_L1_penalty_and_gradient_match_pytorch()
    {
        var c = Fixture.Case("losses.json", "code_l1");
        var code = Fixture.Tensor(c.GetProperty("pred"));
        double lambda = c.GetProperty("lambda").GetDouble();
        CodeL1.Forward(code, lambda).Should().BeApproximately(c.GetProperty("loss").GetDouble(), 1e-7);
        var grad = new Tensor(code.Shape);
        CodeL1.Backward(code, grad, lambda);
        Close.Check(grad.Data, Fixture.Tensor(c.GetProperty("grad")).Data, 1e-6, 1e-9, "code_l1 grad");
        grad[0].Should().Be(0, "the fixture's first code value is exactly 0, where |z| has gradient 0");
    }

    [Fact]
    public void Code_L1_gradient_adds_to_the_gradient_already_there_and_matches_finite_differences()
    {
        var rng = new RandomState(8);
        var code = GradientCheck.RandomTensor(rng, [3, 5], 1.0, avoidBelow: 0.05);   // off |z|'s kink
        var grad = new Tensor(code.Shape);
        grad.Span.Fill(0.25f);
        CodeL1.Backward(code, grad, 0.5);
        var expected = GradientCheck.Numeric(code, () => CodeL1.Forward(code, 0.5)).Select(g => g + 0.25f).ToArray();
        Close.Check(grad.Data, expected, 1e-3, 1e-5, "code_l1 grad + existing");
    }

    [Fact]
    public void MSE_gradient_matches_finite_differences() => CheckGradient(new MSELoss(), -2, 2);

    // Targets outside [0, 1] as study A's standardized data has; predictions inside the clip range.
    [Fact]
    public void BCE_gradient_matches_finite_differences() => CheckGradient(new BCELoss(), 0.1, 0.9);

    [Fact]
    public void BCE_is_flat_where_predictions_are_clipped()
    {
        var pred = new Tensor([0f, 1f, 0.5f], 1, 3);
        var target = new Tensor([0.3f, 0.3f, 0.3f], 1, 3);
        var grad = new Tensor(1, 3);
        new BCELoss().Backward(pred, target, grad);
        grad[0].Should().Be(0);
        grad[1].Should().Be(0);
        grad[2].Should().NotBe(0);
    }

    // Divergence detection relies on this: a NaN anywhere, in a SIMD block or in the scalar tail, poisons the loss.
    [Theory]
    [InlineData("mse", 3)]
    [InlineData("mse", 36)]
    [InlineData("bce", 3)]
    [InlineData("bce", 36)]
    public void A_NaN_prediction_gives_a_NaN_loss(string name, int position)
    {
        var pred = new Tensor(1, 37);
        var target = new Tensor(1, 37);
        pred.Span.Fill(0.5f);
        pred[position] = float.NaN;
        double.IsNaN(LossFunctions.Parse(name).Create().Forward(pred, target)).Should().BeTrue();
    }

    // A training step takes both at once (MSE's over runs of samples on the pool); the numbers must be the two calls'.
    // 37 samples of 784 values: above the size that goes parallel, and three runs, the last partial.
    [Theory]
    [InlineData("mse", 1, 784)]
    [InlineData("mse", 2, 784)]
    [InlineData("mse", 2, 5)]
    [InlineData("bce", 2, 784)]
    public void Loss_and_gradient_in_one_call_are_the_two_calls_bits(string name, int threads, int features)
    {
        var rng = new RandomState(9);
        var pred = new Tensor(37, features);
        for (int i = 0; i < pred.Length; i++) pred[i] = (float)rng.Uniform(0.05, 0.95);
        var target = GradientCheck.RandomTensor(rng, [37, features], 1);
        var (separate, together) = (new Tensor(pred.Shape), new Tensor(pred.Shape));
        var loss = LossFunctions.Parse(name).Create();
        double expected = loss.Forward(pred, target);
        loss.Backward(pred, target, separate);
        using var pool = new WorkerPool(threads);
        loss.ForwardBackward(pred, target, together, pool).Should().Be(expected);
        together.Data.Should().Equal(separate.Data);
    }

    private static void CheckGradient(Loss loss, double lo, double hi)
    {
        var rng = new RandomState(5);
        var pred = new Tensor(4, 8);
        for (int i = 0; i < pred.Length; i++) pred[i] = (float)rng.Uniform(lo, hi);
        var target = GradientCheck.RandomTensor(rng, [4, 8], 1.5);
        var grad = new Tensor(pred.Shape);
        loss.Backward(pred, target, grad);
        Close.Check(grad.Data, GradientCheck.Numeric(pred, () => loss.Forward(pred, target)), 2e-2, 1e-4, $"{loss.Function.Name()} grad");
    }
}
