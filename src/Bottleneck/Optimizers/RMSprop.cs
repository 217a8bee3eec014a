using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// RMSprop (Hinton), PyTorch semantics; α is Keras's ρ:
//   g ← g + wd·p ;  v ← α·v + (1 − α)·g²
//   centered: ḡ ← α·ḡ + (1 − α)·g and the denominator is √(v − ḡ²) + ε, else √v + ε
//   momentum μ > 0: buf ← μ·buf + g/denominator ; p ← p − lr·buf,  else p ← p − lr·g/denominator
/// <summary>RMSprop, as PyTorch's <c>torch.optim.RMSprop</c>.</summary>
public sealed class RMSprop : Optimizer
{
    private readonly float[][] _v;
    private readonly float[][]? _gAvg, _buffer;

    /// <summary>α, the decay of the squared-gradient average.</summary>
    public double Alpha { get; }
    /// <summary>ε added to the root.</summary>
    public double Epsilon { get; }
    /// <summary>The momentum of the update.</summary>
    public double Momentum { get; }
    /// <summary>Whether the denominator is the centred (variance) estimate.</summary>
    public bool Centered { get; }

    /// <summary>RMSprop over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public RMSprop(IReadOnlyList<Parameter> parameters, double lr, double alpha = 0.99, double epsilon = 1e-8,
                   double momentum = 0, bool centered = false, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        if (alpha is < 0 or >= 1) throw new ArgumentException($"alpha (rho) must lie in [0, 1), got {alpha}");
        if (momentum < 0) throw new ArgumentException($"momentum must be ≥ 0, got {momentum}");
        (Alpha, Epsilon, Momentum, Centered) = (alpha, epsilon, momentum, centered);
        _v = NewState();
        if (centered) _gAvg = NewState();
        if (momentum > 0) _buffer = NewState();
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        var g = DecayedGradient(p);
        Span<float> v = _v[index], denom = Scratch(p);
        TensorPrimitives.Multiply(v, (float)Alpha, v);
        TensorPrimitives.Multiply(g, g, denom);
        TensorPrimitives.MultiplyAdd(denom, (float)(1 - Alpha), v, v);
        if (_gAvg is not null)
        {
            Span<float> gAvg = _gAvg[index];
            TensorPrimitives.Multiply(gAvg, (float)Alpha, gAvg);
            TensorPrimitives.MultiplyAdd(g, (float)(1 - Alpha), gAvg, gAvg);
            TensorPrimitives.Multiply(gAvg, gAvg, denom);
            TensorPrimitives.Subtract(v, denom, denom);
            TensorPrimitives.Sqrt(denom, denom);
        }
        else TensorPrimitives.Sqrt(v, denom);
        TensorPrimitives.Add(denom, (float)Epsilon, denom);

        TensorPrimitives.Divide(g, denom, denom);
        if (_buffer is not null)
        {
            Span<float> buf = _buffer[index];
            TensorPrimitives.MultiplyAdd(buf, (float)Momentum, denom, buf);
            TensorPrimitives.MultiplyAdd(buf, (float)-LearningRate, p.Value.Span, p.Value.Span);
        }
        else TensorPrimitives.MultiplyAdd(denom, (float)-LearningRate, p.Value.Span, p.Value.Span);
    }
}
