using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Losses;

// Binary cross-entropy with Keras semantics: p̃ = clip(p, ε, 1 − ε), ε = 1e-7;
//   L = −mean(t·log p̃ + (1 − t)·log(1 − p̃));  dL/dp = (−t/p + (1 − t)/(1 − p))/N inside the clip, 0 outside
//   (the bounds themselves pass, as in PyTorch's clamp).
// Targets are used as given, even outside [0, 1] (study A feeds standardized data).
/// <summary>Binary cross-entropy with Keras's semantics: predictions are clipped to [ε, 1 − ε] before the logarithms.</summary>
/// <param name="epsilon">The clip margin (Keras's backend epsilon).</param>
public sealed class BCELoss(float epsilon = 1e-7f) : Loss
{
    /// <summary>The clip margin of the predictions.</summary>
    public float Epsilon { get; } = epsilon;
    /// <inheritdoc/>
    public override LossFunction Function => LossFunction.Bce;

    // pred, target: [B, ...]
    /// <inheritdoc/>
    public override double Forward(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        return -Elementwise.Sum(pred.Span, target.Span, new LogLikelihood(Epsilon)) / pred.Length;
    }

    /// <inheritdoc/>
    public override void Backward(Tensor pred, Tensor target, Tensor grad)
    {
        CheckShapes(pred, target);
        Elementwise.Map(pred.Span, target.Span, grad.Span, new Gradient(Epsilon, 1f / pred.Length));
    }

    // t·log p̃ + (1 − t)·log(1 − p̃), p̃ = clip(p, ε, 1 − ε).  a = p, b = t.
    private readonly struct LogLikelihood(float epsilon) : IElementwiseOp
    {
        private readonly float _lo = epsilon, _hi = 1f - epsilon;

        public Vector512<float> Apply(Vector512<float> p, Vector512<float> t)
        {
            var x = Vector512.Min(Vector512.Max(p, Vector512.Create(_lo)), Vector512.Create(_hi));
            var logP = Vector512.Log(x);
            var log1mP = Vector512.Log(Vector512<float>.One - x);
            return t * (logP - log1mP) + log1mP;
        }

        public Vector256<float> Apply(Vector256<float> p, Vector256<float> t)
        {
            var x = Vector256.Min(Vector256.Max(p, Vector256.Create(_lo)), Vector256.Create(_hi));
            var logP = Vector256.Log(x);
            var log1mP = Vector256.Log(Vector256<float>.One - x);
            return t * (logP - log1mP) + log1mP;
        }

        public float Apply(float p, float t)
        {
            float x = Math.Clamp(p, _lo, _hi);
            return t * MathF.Log(x) + (1f - t) * MathF.Log(1f - x);
        }
    }

    // g = scale·((1 − t)/(1 − p) − t/p) where ε ≤ p ≤ 1 − ε, else 0.  a = p, b = t.
    private readonly struct Gradient(float epsilon, float scale) : IElementwiseOp
    {
        private readonly float _lo = epsilon, _hi = 1f - epsilon, _scale = scale;

        public Vector512<float> Apply(Vector512<float> p, Vector512<float> t)
        {
            var inside = Vector512.GreaterThanOrEqual(p, Vector512.Create(_lo)) & Vector512.LessThanOrEqual(p, Vector512.Create(_hi));
            var one = Vector512<float>.One;
            return ((one - t) / (one - p) - t / p) * Vector512.Create(_scale) & inside;
        }

        public Vector256<float> Apply(Vector256<float> p, Vector256<float> t)
        {
            var inside = Vector256.GreaterThanOrEqual(p, Vector256.Create(_lo)) & Vector256.LessThanOrEqual(p, Vector256.Create(_hi));
            var one = Vector256<float>.One;
            return ((one - t) / (one - p) - t / p) * Vector256.Create(_scale) & inside;
        }

        public float Apply(float p, float t) => p >= _lo && p <= _hi ? ((1f - t) / (1f - p) - t / p) * _scale : 0f;
    }
}
