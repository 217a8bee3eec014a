using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// ReLU: y = max(x, 0); dx = dy where x > 0, else 0.  x, y: [B, ...]
/// <summary>y = max(x, 0), as PyTorch's <c>nn.ReLU</c>.</summary>
public sealed class ReLU : PointwiseLayer
{
    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <inheritdoc/>
    protected override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        LeakyReLU.Gradient(x, dy, 0f, dx);

    // y = max(x, 0) is above 0 just where x is.
    internal override bool BackwardFromOutput => true;

    /// <inheritdoc/>
    public override string ToString() => "ReLU";
}
