using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// Adadelta (Zeiler), PyTorch semantics:
//   g ← g + wd·p ;  v ← ρ·v + (1 − ρ)·g²
//   Δ ← √(u + ε) / √(v + ε) · g ;  u ← ρ·u + (1 − ρ)·Δ² ;  p ← p − lr·Δ
/// <summary>Adadelta (Zeiler 2012), as PyTorch's <c>torch.optim.Adadelta</c>.</summary>
public sealed class Adadelta : Optimizer
{
    private readonly float[][] _v, _u, _delta;

    /// <summary>ρ, the decay of both running averages.</summary>
    public double Rho { get; }
    /// <summary>ε inside the square roots.</summary>
    public double Epsilon { get; }

    /// <summary>Adadelta over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public Adadelta(IReadOnlyList<Parameter> parameters, double lr = 1.0, double rho = 0.9, double epsilon = 1e-6,
                    double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        if (rho is < 0 or > 1) throw new ArgumentException($"rho must lie in [0, 1], got {rho}");
        (Rho, Epsilon) = (rho, epsilon);
        (_v, _u, _delta) = (NewState(), NewState(), NewState());
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        var g = DecayedGradient(p);
        Span<float> v = _v[index], u = _u[index], delta = _delta[index], s = Scratch(p);
        TensorPrimitives.Multiply(v, (float)Rho, v);
        TensorPrimitives.Multiply(g, g, s);
        TensorPrimitives.MultiplyAdd(s, (float)(1 - Rho), v, v);

        TensorPrimitives.Add(v, (float)Epsilon, s);
        TensorPrimitives.Sqrt(s, s);
        TensorPrimitives.Add(u, (float)Epsilon, delta);
        TensorPrimitives.Sqrt(delta, delta);
        TensorPrimitives.Divide(delta, s, delta);
        TensorPrimitives.Multiply(delta, g, delta);

        TensorPrimitives.Multiply(u, (float)Rho, u);
        TensorPrimitives.Multiply(delta, delta, s);
        TensorPrimitives.MultiplyAdd(s, (float)(1 - Rho), u, u);
        TensorPrimitives.MultiplyAdd(delta, (float)-LearningRate, p.Value.Span, p.Value.Span);
    }
}
