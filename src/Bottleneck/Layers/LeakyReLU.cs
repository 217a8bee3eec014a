using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// LeakyReLU: y = x if x > 0 else slope·x;  dx = dy if x > 0 else slope·dy.  x, y: [B, ...]
// PyTorch's default slope is 0.01, Keras's 0.3; we follow PyTorch.
/// <summary>y = x for x &gt; 0, else slope·x, as PyTorch's <c>nn.LeakyReLU</c>.</summary>
/// <param name="negativeSlope">The slope for negative inputs.</param>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : PointwiseLayer
{
    /// <summary>The slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map(x, x, y, new Select(NegativeSlope));

    /// <inheritdoc/>
    protected override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Gradient(x, dy, NegativeSlope, dx);

    /// <summary>dx = dy where x &gt; 0, else slope·dy (ReLU's with slope 0).</summary>
    internal static void Gradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float slope, Span<float> dx) =>
        Elementwise.Map(x, dy, dx, new Select(slope));

    // a where x > 0, else slope·a; the forward pass is the same choice with a = x.  (x, a) = (x, dy).
    private readonly struct Select(float slope) : IElementwiseOp
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> a) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), a, a * Vector512.Create(slope));

        public Vector256<float> Apply(Vector256<float> x, Vector256<float> a) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), a, a * Vector256.Create(slope));

        public float Apply(float x, float a) => x > 0f ? a : a * slope;
    }

    // With a slope of 0 or more, y is above 0 just where x is.
    internal override bool BackwardFromOutput => NegativeSlope >= 0;

    /// <inheritdoc/>
    public override string ToString() => $"LeakyReLU({NegativeSlope})";
}
