using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Dropout (inverted): in training y = x·m with m = 0 (probability p) or 1/(1 − p); in eval y = x.
// dx = dy·m with the same mask. Masks come from the layer's own seeded stream, drawn serially,
// so they never depend on the thread count.
/// <summary>Inverted dropout, as PyTorch's <c>nn.Dropout</c>: in training each value is zeroed with probability <see cref="P"/> and the rest scaled by 1/(1 − p); in eval mode the identity.</summary>
public sealed class Dropout : Layer
{
    private readonly RandomState _rng;
    private float[] _mask = [];

    /// <summary>The probability of zeroing a value, in [0, 1).</summary>
    public float P { get; }

    /// <summary>Dropout with probability <paramref name="p"/>; its masks come from its own stream, seeded by <paramref name="seed"/> (and reseeded by <see cref="ResetParameters"/>).</summary>
    public Dropout(float p, uint seed = 0)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentException($"dropout probability must lie in [0, 1), got {p}");
        P = p;
        _rng = new RandomState(seed);
    }

    /// <inheritdoc/>
    public override RandomState RandomStream => _rng;

    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc/>
    public override void ResetParameters(InitScheme scheme, RandomState rng) => _rng.Reseed(rng.NextUInt32());

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y)
    {
        if (!Training || P == 0)
        {
            x.Span.CopyTo(y.Span);
            return;
        }
        if (_mask.Length < x.Length) _mask = new float[x.Length];
        var mask = _mask.AsSpan(0, x.Length);
        float keep = 1f / (1f - P);
        for (int i = 0; i < mask.Length; i++) mask[i] = _rng.NextDouble() < P ? 0f : keep;
        TensorPrimitives.Multiply(x.Span, mask, y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is null) return;
        if (!Training || P == 0) dy.Span.CopyTo(dx.Span);
        else TensorPrimitives.Multiply(dy.Span, _mask.AsSpan(0, dy.Length), dx.Span);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dropout({P})";
}
