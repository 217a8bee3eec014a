using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Losses;

// Binary cross-entropy with Keras semantics: p̃ = clip(p, ε, 1 − ε), ε = 1e-7;
//   L = −mean(t·log p̃ + (1 − t)·log(1 − p̃));  dL/dp = (−t/p̃ + (1 − t)/(1 − p̃))/N inside the clip, 0 outside.
// Targets are used as given, even outside [0, 1] (study A feeds standardized data).
public sealed class BCELoss(float epsilon = 1e-7f) : Loss
{
    private float[] _p = [], _logP = [], _log1mP = [];

    public float Epsilon { get; } = epsilon;
    public override string Name => "bce";

    public override double Forward(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        int n = pred.Length;
        if (_p.Length < n) (_p, _logP, _log1mP) = (new float[n], new float[n], new float[n]);
        Span<float> p = _p.AsSpan(0, n), logP = _logP.AsSpan(0, n), log1mP = _log1mP.AsSpan(0, n);
        TensorPrimitives.Clamp(pred.Span, Epsilon, 1f - Epsilon, p);
        TensorPrimitives.Log(p, logP);
        TensorPrimitives.Subtract(1f, p, p);
        TensorPrimitives.Log(p, log1mP);
        // t·log p + (1 − t)·log(1 − p) = t·(log p − log(1 − p)) + log(1 − p)
        TensorPrimitives.Subtract(logP, log1mP, logP);
        double sum = (double)TensorPrimitives.Dot(target.Span, logP) + TensorPrimitives.Sum(log1mP);
        return -sum / n;
    }

    public override void Backward(Tensor pred, Tensor target, Tensor grad)
    {
        CheckShapes(pred, target);
        Elementwise.ClippedCrossEntropyGradient(pred.Span, target.Span, Epsilon, 1f / pred.Length, grad.Span);
    }
}
