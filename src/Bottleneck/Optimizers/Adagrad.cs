using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// Adagrad (Duchi et al.), PyTorch semantics:
//   g ← g + wd·p ;  lrₜ = lr / (1 + (t − 1)·lr_decay)
//   s ← s + g²  (s starts at the initial accumulator value: 0.1 in Keras, 0 in PyTorch)
//   p ← p − lrₜ · g / (√s + ε)
/// <summary>Adagrad, as PyTorch's <c>torch.optim.Adagrad</c>.</summary>
public sealed class Adagrad : Optimizer
{
    private readonly float[][] _sum;

    /// <summary>ε of the denominator.</summary>
    public double Epsilon { get; }
    /// <summary>The learning-rate decay: step t uses lr / (1 + (t − 1)·decay).</summary>
    public double LrDecay { get; }
    /// <summary>The value the squared-gradient sums start from.</summary>
    public double InitialAccumulator { get; }

    /// <summary>Adagrad over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public Adagrad(IReadOnlyList<Parameter> parameters, double lr, double initialAccumulator = 0, double epsilon = 1e-10,
                   double lrDecay = 0, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        if (initialAccumulator < 0) throw new ArgumentException($"initial accumulator must be ≥ 0, got {initialAccumulator}");
        (Epsilon, LrDecay, InitialAccumulator) = (epsilon, lrDecay, initialAccumulator);
        _sum = NewState((float)initialAccumulator);
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        var g = DecayedGradient(p);
        Span<float> sum = _sum[index], s = Scratch(p);
        double lr = LearningRate / (1 + (t - 1) * LrDecay);
        TensorPrimitives.MultiplyAdd(g, g, sum, sum);
        TensorPrimitives.Sqrt(sum, s);
        TensorPrimitives.Add(s, (float)Epsilon, s);
        TensorPrimitives.Divide(g, s, s);
        TensorPrimitives.MultiplyAdd(s, (float)-lr, p.Value.Span, p.Value.Span);
    }
}
