using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// Adamax (Kingma & Ba, §7.1), PyTorch semantics (ε inside the max, as PyTorch has it):
//   g ← g + wd·p ;  m ← β1·m + (1 − β1)·g ;  u ← max(β2·u, |g| + ε)
//   p ← p − (lr / (1 − β1ᵗ)) · m / u
/// <summary>Adamax (Adam with the infinity norm), as PyTorch's <c>torch.optim.Adamax</c>.</summary>
public sealed class Adamax : Optimizer
{
    private readonly float[][] _m, _u;

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>β₂, the decay of the infinity norm.</summary>
    public double Beta2 { get; }
    /// <summary>ε added to the norm.</summary>
    public double Epsilon { get; }

    /// <summary>Adamax over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public Adamax(IReadOnlyList<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
                  double epsilon = 1e-8, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        Betas.Check(beta1, beta2);
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        (_m, _u) = (NewState(), NewState());
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        var g = DecayedGradient(p);
        Span<float> m = _m[index], u = _u[index], s = Scratch(p);
        TensorPrimitives.Multiply(m, (float)Beta1, m);
        TensorPrimitives.MultiplyAdd(g, (float)(1 - Beta1), m, m);
        TensorPrimitives.Multiply(u, (float)Beta2, u);
        TensorPrimitives.Abs(g, s);
        TensorPrimitives.Add(s, (float)Epsilon, s);
        TensorPrimitives.Max(u, s, u);
        TensorPrimitives.Divide(m, u, s);
        TensorPrimitives.MultiplyAdd(s, (float)(-LearningRate / (1 - Math.Pow(Beta1, t))), p.Value.Span, p.Value.Span);
    }
}
