using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// Adam (Kingma & Ba), PyTorch semantics:
//   g ← g + wd·p                       (L2; AdamW decays p instead, see AdamW)
//   m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
//   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// <summary>Adam (Kingma and Ba), as PyTorch's <c>torch.optim.Adam</c> with L2 weight decay added to the gradient.</summary>
public class Adam : Optimizer
{
    private readonly float[][] _m, _v;

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>ε of the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Adam over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public Adam(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
                double epsilon = 1e-8, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        Betas.Check(beta1, beta2);
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        (_m, _v) = (NewState(), NewState());
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t) => AdamStep(index, p, t, DecayedGradient(p));

    private protected void AdamStep(int index, Parameter p, int t, ReadOnlySpan<float> g)
    {
        Span<float> m = _m[index], v = _v[index], s = Scratch(p);
        TensorPrimitives.Multiply(m, (float)Beta1, m);
        TensorPrimitives.MultiplyAdd(g, (float)(1 - Beta1), m, m);
        TensorPrimitives.Multiply(v, (float)Beta2, v);
        TensorPrimitives.Multiply(g, g, s);
        TensorPrimitives.MultiplyAdd(s, (float)(1 - Beta2), v, v);

        double bias1 = 1 - Math.Pow(Beta1, t), bias2 = 1 - Math.Pow(Beta2, t);
        TensorPrimitives.Sqrt(v, s);
        TensorPrimitives.Divide(s, (float)Math.Sqrt(bias2), s);
        TensorPrimitives.Add(s, (float)Epsilon, s);
        TensorPrimitives.Divide(m, s, s);
        TensorPrimitives.MultiplyAdd(s, (float)(-LearningRate / bias1), p.Value.Span, p.Value.Span);
    }
}
