using System.Runtime.Intrinsics;
using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Tanh: y = tanh(x); dx = dy·(1 − y²).  x, y: [B, ...]
/// <summary>y = tanh x, as PyTorch's <c>nn.Tanh</c>.</summary>
public sealed class Tanh : PointwiseLayer
{
    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <inheritdoc/>
    protected override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Elementwise.Map(y, dy, dx, new Gradient());

    private readonly struct Gradient : IElementwiseOp
    {
        public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
        public float Apply(float y, float dy) => dy * (1f - y * y);
    }

    // The gradient is a function of y.
    internal override bool BackwardFromOutput => true;

    /// <inheritdoc/>
    public override string ToString() => "Tanh";
}
