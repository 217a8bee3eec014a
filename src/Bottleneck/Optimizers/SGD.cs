using Bottleneck.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

// SGD with optional momentum (Polyak or Nesterov), PyTorch semantics:
//   g ← g + wd·p
//   buf ← g on the first step, else μ·buf + (1 − dampening)·g
//   d ← g + μ·buf (Nesterov) or buf (momentum) or g (plain)
//   p ← p − lr·d
/// <summary>Stochastic gradient descent with optional momentum, as PyTorch's <c>torch.optim.SGD</c>.</summary>
public sealed class SGD : Optimizer
{
    private readonly float[][]? _buffer;

    /// <summary>The momentum factor (0: none).</summary>
    public double Momentum { get; }
    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }
    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <summary>SGD over <paramref name="parameters"/>, with PyTorch's arguments and defaults.</summary>
    public SGD(IReadOnlyList<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
               bool nesterov = false, double weightDecay = 0) : base(parameters, lr, weightDecay)
    {
        if (momentum < 0) throw new ArgumentException($"momentum must be ≥ 0, got {momentum}");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and zero dampening");
        (Momentum, Dampening, Nesterov) = (momentum, dampening, nesterov);
        if (momentum != 0) _buffer = NewState();
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter p, int t)
    {
        var g = DecayedGradient(p);
        ReadOnlySpan<float> d = g;
        if (_buffer is not null)
        {
            var buf = _buffer[index].AsSpan();
            if (t == 1) g.CopyTo(buf);
            else
            {
                TensorPrimitives.Multiply(buf, (float)Momentum, buf);
                TensorPrimitives.MultiplyAdd(g, (float)(1 - Dampening), buf, buf);
            }
            if (Nesterov)
            {
                var s = Scratch(p);
                TensorPrimitives.MultiplyAdd(buf, (float)Momentum, g, s);
                d = s;
            }
            else d = buf;
        }
        TensorPrimitives.MultiplyAdd(d, (float)-LearningRate, p.Value.Span, p.Value.Span);
    }
}
