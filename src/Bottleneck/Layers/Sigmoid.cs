using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Sigmoid: y = 1 / (1 + e^(−x)); dx = dy·y·(1 − y).  x, y: [B, ...]
public sealed class Sigmoid : Layer
{
    private readonly ChunkedJob _forward, _backward;
    private Tensor _x = null!, _y = null!, _dy = null!, _dx = null!;

    public Sigmoid() => (_forward, _backward) = (new(ForwardChunk), new(BackwardChunk));

    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y)
    {
        (_x, _y) = (x, y);
        _forward.Run(Workers, x.Length);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is null) return;
        (_y, _dy, _dx) = (y, dy, dx);
        _backward.Run(Workers, y.Length);
    }

    private void ForwardChunk(int start, int length) =>
        TensorPrimitives.Sigmoid(_x.Data.AsSpan(start, length), _y.Data.AsSpan(start, length));

    private void BackwardChunk(int start, int length) =>
        Elementwise.SigmoidBackward(_y.Data.AsSpan(start, length), _dy.Data.AsSpan(start, length), _dx.Data.AsSpan(start, length));

    public override string ToString() => "Sigmoid";
}
