using System.Runtime.Intrinsics;
using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Sigmoid: y = 1 / (1 + e^(−x)); dx = dy·y·(1 − y).  x, y: [B, ...]
/// <summary>y = 1 / (1 + e^−x), as PyTorch's <c>nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : PointwiseLayer
{
    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <inheritdoc/>
    protected override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Elementwise.Map(y, dy, dx, new Gradient());

    private readonly struct Gradient : IElementwiseOp
    {
        public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);
        public float Apply(float y, float dy) => dy * y * (1f - y);
    }

    // The gradient is a function of y.
    internal override bool BackwardFromOutput => true;

    /// <inheritdoc/>
    public override string ToString() => "Sigmoid";
}
