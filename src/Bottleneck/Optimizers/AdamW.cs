using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// AdamW (Loshchilov & Hutter): decoupled weight decay, p ← p·(1 − lr·wd), then the Adam
// step on the raw gradient.
public sealed class AdamW(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
                          double epsilon = 1e-8, double weightDecay = 1e-2)
    : Adam(parameters, lr, beta1, beta2, epsilon, weightDecay)
{
    protected override void Update(int index, Parameter p, int t)
    {
        TensorPrimitives.Multiply(p.Value.Span, (float)(1 - LearningRate * WeightDecay), p.Value.Span);
        AdamStep(index, p, t, p.Grad.Span);
    }
}
