using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Sigmoid: y = 1 / (1 + e^(−x)); dx = dy·y·(1 − y).  x, y: [B, ...]
/// <summary>y = 1 / (1 + e^−x), as PyTorch's <c>nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : PointwiseLayer
{
    /// <inheritdoc/>
    protected override void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map(x, x, y, new Logistic());

    /// <inheritdoc/>
    protected override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Elementwise.Map(y, dy, dx, new Gradient());

    // 1 / (1 + e^t) with t = −x, e^t in single precision: t = n·ln 2 + r with n = round(t·log₂e) and |r| ≤ ln 2 / 2, e^r
    // by Cephes's degree-7 polynomial for expf (within 1 ulp), 2^n put straight into the exponent bits. TensorPrimitives'
    // Sigmoid computes e^t in double and took as long as the lab model's last transposed convolution it follows; an
    // output pixel's pre-activation far below zero (a background pixel late in training) was its slowest case. t is held
    // to [−87, 87], where 2^n stays a normal float: below x = −87 the result is e^−87 ≈ 1.6e−38 rather than a subnormal
    // (and later subnormal arithmetic), above x = 87 it is 1 either way. NaN stays NaN: the clamps return t when t is NaN.
    private readonly struct Logistic : IElementwiseOp
    {
        private const float Limit = 87f, Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
        private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
                            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

        public Vector512<float> Apply(Vector512<float> x, Vector512<float> unused)
        {
            var t = Vector512.MaxNative(Vector512.Create(-Limit), Vector512.MinNative(Vector512.Create(Limit), -x));
            var n = Vector512.Round(t * Vector512.Create(Log2E));
            var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), t));
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
            var er = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
            var twoToN = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
            return Vector512<float>.One / (Vector512<float>.One + er * twoToN);
        }

        public Vector256<float> Apply(Vector256<float> x, Vector256<float> unused)
        {
            var t = Vector256.MaxNative(Vector256.Create(-Limit), Vector256.MinNative(Vector256.Create(Limit), -x));
            var n = Vector256.Round(t * Vector256.Create(Log2E));
            var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), t));
            var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
            var er = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
            var twoToN = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
            return Vector256<float>.One / (Vector256<float>.One + er * twoToN);
        }

        public float Apply(float x, float unused)
        {
            float t = -x;
            if (t > Limit) t = Limit;
            if (t < -Limit) t = -Limit;
            float n = MathF.Round(t * Log2E);
            float r = MathF.FusedMultiplyAdd(n, -Ln2Low, MathF.FusedMultiplyAdd(n, -Ln2High, t));
            float p = MathF.FusedMultiplyAdd(P0, r, P1);
            p = MathF.FusedMultiplyAdd(p, r, P2);
            p = MathF.FusedMultiplyAdd(p, r, P3);
            p = MathF.FusedMultiplyAdd(p, r, P4);
            p = MathF.FusedMultiplyAdd(p, r, P5);
            float er = MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
            float twoToN = BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
            return 1f / (1f + er * twoToN);
        }
    }

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
