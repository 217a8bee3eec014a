using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Dropout (inverted): in training y = x·m with m = 0 (probability p) or 1/(1 − p); in eval y = x.
// dx = dy·m with the same mask. Masks come from the layer's own seeded stream, drawn serially,
// so they never depend on the thread count.
public sealed class Dropout : Layer
{
    private readonly RandomState _rng;
    private float[] _mask = [];

    public float P { get; }

    public Dropout(float p, uint seed = 0)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentException($"dropout probability must lie in [0, 1), got {p}");
        P = p;
        _rng = new RandomState(seed);
    }

    public override RandomState RandomStream => _rng;

    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void ResetParameters(InitScheme scheme, RandomState rng) => _rng.Reseed(rng.NextUInt32());

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

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is null) return;
        if (!Training || P == 0) dy.Span.CopyTo(dx.Span);
        else TensorPrimitives.Multiply(dy.Span, _mask.AsSpan(0, dy.Length), dx.Span);
    }

    public override string ToString() => $"Dropout({P})";
}
