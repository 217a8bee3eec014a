using Bottleneck.Layers;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Layers;

public class ConvGradientTests
{
    private readonly RandomState _rng = new(21);

    private T Init<T>(T layer) where T : Layer
    {
        layer.ResetParameters(InitScheme.KaimingUniform, _rng);
        return layer;
    }

    [Theory]
    [InlineData(3, 4, 3, 2, 1, 7, 6)]
    [InlineData(2, 3, 3, 1, 0, 5, 5)]
    [InlineData(1, 2, 5, 3, 2, 9, 8)]
    [InlineData(1, 3, 3, 2, 1, 12, 12)]     // from one channel, in registers
    public void Conv2d_backward_matches_finite_differences(int cin, int cout, int k, int s, int p, int h, int w) =>
        GradientCheck.Layer(Init(new Conv2d(cin, cout, k, s, p)), GradientCheck.RandomTensor(_rng, [2, cin, h, w], 1), _rng);

    [Theory]
    [InlineData(3, 2, 3, 2, 1, 1, 4, 3)]
    [InlineData(2, 3, 3, 2, 0, 0, 3, 3)]
    [InlineData(2, 2, 4, 3, 1, 2, 3, 2)]
    [InlineData(3, 1, 3, 2, 1, 1, 6, 6)]      // to one channel, folded row by row in registers
    public void ConvTranspose2d_backward_matches_finite_differences(int cin, int cout, int k, int s, int p, int op, int h, int w) =>
        GradientCheck.Layer(Init(new ConvTranspose2d(cin, cout, k, s, p, op)), GradientCheck.RandomTensor(_rng, [2, cin, h, w], 1), _rng);

    // A batch of 18 is two runs of samples, the second partial, and 12×12 inputs give rows of 6 outputs (the vector path).
    [Fact]
    public void Conv2d_over_two_runs_of_samples_matches_finite_differences() =>
        GradientCheck.Layer(Init(new Conv2d(2, 3, 3, 2, 1)), GradientCheck.RandomTensor(_rng, [18, 2, 12, 12], 1), _rng);

    [Fact]
    public void ConvTranspose2d_over_two_runs_of_samples_matches_finite_differences() =>
        GradientCheck.Layer(Init(new ConvTranspose2d(3, 2, 3, 2, 1, 1)), GradientCheck.RandomTensor(_rng, [18, 3, 6, 6], 1), _rng);

    [Fact]
    public void Conv2d_without_bias_matches_finite_differences() =>
        GradientCheck.Layer(Init(new Conv2d(2, 3, 3, 1, 1, bias: false)), GradientCheck.RandomTensor(_rng, [2, 2, 5, 4], 1), _rng);

    [Fact]
    public void BatchNorm1d_training_backward_matches_finite_differences()
    {
        var bn = new BatchNorm1d(5);
        Randomize(bn);
        GradientCheck.Layer(bn, GradientCheck.RandomTensor(_rng, [6, 5], 2), _rng, rtol: 3e-2, atol: 3e-3);
    }

    [Fact]
    public void BatchNorm2d_training_backward_matches_finite_differences()
    {
        var bn = new BatchNorm2d(3);
        Randomize(bn);
        GradientCheck.Layer(bn, GradientCheck.RandomTensor(_rng, [2, 3, 3, 4], 2), _rng, rtol: 3e-2, atol: 3e-3);
    }

    [Fact]
    public void BatchNorm2d_eval_backward_matches_finite_differences()
    {
        var bn = new BatchNorm2d(3);
        bn.Eval();
        Randomize(bn);
        GradientCheck.Layer(bn, GradientCheck.RandomTensor(_rng, [2, 3, 3, 4], 2), _rng);
    }

    [Fact]
    public void Flatten_and_Unflatten_pass_values_and_gradients_through()
    {
        GradientCheck.Layer(new Flatten(), GradientCheck.RandomTensor(_rng, [2, 3, 2, 2], 1), _rng);
        GradientCheck.Layer(new Unflatten(3, 2, 2), GradientCheck.RandomTensor(_rng, [2, 12], 1), _rng);
        new Unflatten(32, 3, 3).OutputShape([288]).Should().Equal(32, 3, 3);
        FluentActions.Invoking(() => new Unflatten(32, 3, 3).OutputShape([280])).Should().Throw<ArgumentException>().WithMessage("*288*");
    }

    [Fact]
    public void Dropout_zeroes_a_fraction_p_scales_the_rest_and_reuses_its_mask_backward()
    {
        var dropout = new Dropout(0.3f, seed: 4);
        var x = GradientCheck.RandomTensor(_rng, [64, 100], 1, avoidBelow: 0.01);
        var y = new Tensor(x.Shape);
        dropout.Forward(x, y);
        int zeros = y.Data.Count(v => v == 0);
        ((double)zeros / y.Length).Should().BeApproximately(0.3, 0.02);
        for (int i = 0; i < y.Length; i++)
            if (y[i] != 0) y[i].Should().BeApproximately(x[i] / 0.7f, 1e-5f);

        var dy = GradientCheck.RandomTensor(_rng, x.Shape, 1);
        var dx = new Tensor(x.Shape);
        dropout.Backward(x, y, dy, dx);
        for (int i = 0; i < y.Length; i++) (dx[i] == 0).Should().Be(y[i] == 0);

        dropout.Eval();
        dropout.Forward(x, y);
        y.Data.Should().Equal(x.Data);
    }

    [Fact]
    public void Conv_layers_give_identical_results_on_one_and_two_threads()
    {
        using var pool = new WorkerPool(2);
        foreach (var make in new Func<Layer>[] { () => new Conv2d(8, 16, 3, 2, 1), () => new ConvTranspose2d(16, 8, 3, 2, 1, 1) })
        {
            var (serial, parallel) = (make(), make());
            serial.ResetParameters(InitScheme.KaimingUniform, new RandomState(1));
            parallel.ResetParameters(InitScheme.KaimingUniform, new RandomState(1));
            parallel.Workers = pool;
            var x = GradientCheck.RandomTensor(new RandomState(2), [40, 8, 14, 14], 1);
            if (serial is ConvTranspose2d) x = GradientCheck.RandomTensor(new RandomState(2), [40, 16, 7, 7], 1);
            var (a, b) = (Run(serial, x), Run(parallel, x));
            a.Should().Equal(b, $"{serial} must not depend on the thread count");
        }
    }

    private static float[] Run(Layer layer, Tensor x)
    {
        var y = new Tensor([x.Rows, .. layer.OutputShape(x.Shape[1..])]);
        var dx = new Tensor(x.Shape);
        layer.Forward(x, y);
        layer.Backward(x, y, y, dx);
        return [.. y.Data, .. dx.Data, .. layer.Parameters.SelectMany(p => p.Grad.Data)];
    }

    private void Randomize(BatchNorm bn)
    {
        for (int c = 0; c < bn.NumFeatures; c++)
        {
            bn.Weight.Value[c] = (float)_rng.Uniform(0.5, 1.5);
            bn.Bias.Value[c] = (float)_rng.Uniform(-0.5, 0.5);
            bn.RunningMean[c] = (float)_rng.Uniform(-0.3, 0.3);
            bn.RunningVar[c] = (float)_rng.Uniform(0.5, 2);
        }
    }
}
