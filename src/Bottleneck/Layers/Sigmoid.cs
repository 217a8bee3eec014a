using System.Runtime.Intrinsics;
using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Sigmoid: y = 1 / (1 + e^(−x)); dx = dy·y·(1 − y).  x, y: [B, ...]
/// <summary>y = 1 / (1 + e^−x), as PyTorch's <c>nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : PointwiseLayer
{
    // Below x ≈ −87.3 the output is a subnormal float, and the division that makes one takes a microcode assist:
    // background pixels late in training made the sigmoid twice as slow. Holding x to −87 first gives e^−87 there
    // instead; downstream the difference vanishes (its square and its gradient y·(1 − y)·dy underflow to 0 either way,
    // and binary cross-entropy clips y at 1e-7 by default), so the lab runs measured trained to the same bytes as without the
    // clamp. NaN stays NaN (Max propagates it).
    private const float Floor = -87f;

    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        // TensorPrimitives computes a span shorter than a vector one value at a time, 2 ulps away from what its vector
        // code gives the same value; a short span goes through a vector-sized buffer so every value gets the vector's answer.
        if (y.Length < Vector512<float>.Count)
        {
            Span<float> lanes = stackalloc float[Vector512<float>.Count];
            lanes.Clear();
            x.CopyTo(lanes);
            Clamped(lanes, lanes);
            lanes[..y.Length].CopyTo(y);
            return;
        }
        Clamped(x, y);
    }

    private static void Clamped(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Max(x, Floor, y);
        TensorPrimitives.Sigmoid(y, y);
    }

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
