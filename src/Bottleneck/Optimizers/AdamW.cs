using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// AdamW (Loshchilov & Hutter): decoupled weight decay, p ← p·(1 − lr·wd), then the Adam
// step on the raw gradient.
/// <summary>AdamW (Loshchilov and Hutter), as PyTorch's <c>torch.optim.AdamW</c>: Adam with decoupled weight decay.</summary>
/// <param name="parameters">The parameters updated.</param>
/// <param name="lr">The learning rate.</param>
/// <param name="beta1">β₁, the decay of the first moment.</param>
/// <param name="beta2">β₂, the decay of the second moment.</param>
/// <param name="epsilon">ε of the denominator.</param>
/// <param name="weightDecay">The decoupled decay: p ← p·(1 − lr·wd) before each step.</param>
public sealed class AdamW(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
                          double epsilon = 1e-8, double weightDecay = 1e-2)
    : Adam(parameters, lr, beta1, beta2, epsilon, weightDecay)
{
    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        TensorPrimitives.Multiply(p.Value.Span, (float)(1 - LearningRate * WeightDecay), p.Value.Span);
        AdamStep(index, p, t, p.Grad.Span);
    }
}
