using Bottleneck.Tensors;

namespace Bottleneck.Losses;

// Binary cross-entropy with Keras semantics: p̃ = clip(p, ε, 1 − ε), ε = 1e-7;
//   L = −mean(t·log p̃ + (1 − t)·log(1 − p̃));  dL/dp = (−t/p̃ + (1 − t)/(1 − p̃))/N inside the clip, 0 outside.
// Targets are used as given, even outside [0, 1] (study A feeds standardized data).
public sealed class BCELoss(float epsilon = 1e-7f) : Loss
{
    public float Epsilon { get; } = epsilon;
    public override string Name => "bce";

    public override double Forward(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        return -Elementwise.ClippedCrossEntropySum(pred.Span, target.Span, Epsilon) / pred.Length;
    }

    public override void Backward(Tensor pred, Tensor target, Tensor grad)
    {
        CheckShapes(pred, target);
        Elementwise.ClippedCrossEntropyGradient(pred.Span, target.Span, Epsilon, 1f / pred.Length, grad.Span);
    }
}
