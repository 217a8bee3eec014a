using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Tests.Layers;

public class LayerGradientTests
{
    private readonly RandomState _rng = new(11);

    [Fact]
    public void Dense_backward_matches_finite_differences()
    {
        var dense = new Dense(7, 5);
        dense.ResetParameters(InitScheme.KaimingUniform, _rng);
        GradientCheck.Layer(dense, GradientCheck.RandomTensor(_rng, [6, 7], 2), _rng);
    }

    // Inputs stay farther than the finite-difference step from the kink at 0.
    [Fact]
    public void ReLU_backward_matches_finite_differences() =>
        GradientCheck.Layer(new ReLU(), GradientCheck.RandomTensor(_rng, [4, 9], 3, avoidBelow: 0.05), _rng);

    [Fact]
    public void LeakyReLU_backward_matches_finite_differences() =>
        GradientCheck.Layer(new LeakyReLU(0.2f), GradientCheck.RandomTensor(_rng, [4, 9], 3, avoidBelow: 0.05), _rng);

    [Fact]
    public void Sigmoid_backward_matches_finite_differences() =>
        GradientCheck.Layer(new Sigmoid(), GradientCheck.RandomTensor(_rng, [5, 37], 5), _rng);

    [Fact]
    public void Tanh_backward_matches_finite_differences() =>
        GradientCheck.Layer(new Tanh(), GradientCheck.RandomTensor(_rng, [5, 37], 3), _rng);
}
