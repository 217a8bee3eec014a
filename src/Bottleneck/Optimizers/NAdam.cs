using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// NAdam (Dozat), with the momentum schedule μₜ = β1·(1 − ½·0.96^(t·ψ)), ψ = momentum decay:
//   g ← g + wd·p ;  m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
//   Πₜ = Π μ₁…μₜ ;  d = √(v / (1 − β2ᵗ)) + ε
//   p ← p − lr·(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
// This is PyTorch ≥ 2.0 and Keras; torch 1.13's default loop used Πₜ·μₜ·μₜ₊₁, a bug since fixed.
/// <summary>NAdam (Adam with Nesterov momentum, Dozat 2016), as PyTorch's <c>torch.optim.NAdam</c>.</summary>
public sealed class NAdam : Optimizer
{
    private readonly float[][] _m, _v;
    private double _muProduct = 1;

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>ε of the denominator.</summary>
    public double Epsilon { get; }
    /// <summary>ψ, the momentum decay of the μ schedule.</summary>
    public double MomentumDecay { get; }

    /// <summary>NAdam over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public NAdam(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
                 double epsilon = 1e-8, double momentumDecay = 4e-3, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        Betas.Check(beta1, beta2);
        (Beta1, Beta2, Epsilon, MomentumDecay) = (beta1, beta2, epsilon, momentumDecay);
        (_m, _v) = (NewState(), NewState());
    }

    private double Mu(int t) => Beta1 * (1 - 0.5 * Math.Pow(0.96, t * MomentumDecay));

    // The product of μ₁…μₜ, multiplied in the order the steps did, so a resumed run carries on bit for bit.
    /// <inheritdoc/>
    protected override void Restored()
    {
        _muProduct = 1;
        for (int t = 1; t <= StepCount; t++) _muProduct *= Mu(t);
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        // The running product advances once per step, not once per parameter.
        if (index == 0) _muProduct *= Mu(t);
        double mu = Mu(t), muNext = Mu(t + 1);

        var g = DecayedGradient(p);
        Span<float> m = _m[index], v = _v[index], d = Scratch(p);
        TensorPrimitives.Multiply(m, (float)Beta1, m);
        TensorPrimitives.MultiplyAdd(g, (float)(1 - Beta1), m, m);
        TensorPrimitives.Multiply(v, (float)Beta2, v);
        TensorPrimitives.Multiply(g, g, d);
        TensorPrimitives.MultiplyAdd(d, (float)(1 - Beta2), v, v);

        TensorPrimitives.Divide(v, (float)(1 - Math.Pow(Beta2, t)), d);
        TensorPrimitives.Sqrt(d, d);
        TensorPrimitives.Add(d, (float)Epsilon, d);

        // Two separate additions, in PyTorch's order, so rounding matches its two addcdiv_ calls.
        float gradStep = (float)(-LearningRate * (1 - mu) / (1 - _muProduct));
        float momentumStep = (float)(-LearningRate * muNext / (1 - _muProduct * muNext));
        var w = p.Value.Span;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] += gradStep * (g[i] / d[i]);
            w[i] += momentumStep * (m[i] / d[i]);
        }
    }
}
