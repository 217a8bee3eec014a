using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// ReLU: y = max(x, 0); dx = dy where x > 0.  x, y: [B, ...]
public sealed class ReLU : Layer
{
    private readonly ChunkedJob _forward, _backward;
    private Tensor _x = null!, _y = null!, _dy = null!, _dx = null!;

    public ReLU() => (_forward, _backward) = (new(ForwardChunk), new(BackwardChunk));

    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y)
    {
        (_x, _y) = (x, y);
        _forward.Run(Workers, x.Length);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is null) return;
        (_x, _dy, _dx) = (x, dy, dx);
        _backward.Run(Workers, x.Length);
    }

    private void ForwardChunk(int start, int length) =>
        TensorPrimitives.Max(_x.Data.AsSpan(start, length), 0f, _y.Data.AsSpan(start, length));

    private void BackwardChunk(int start, int length) =>
        Elementwise.ReluBackward(_x.Data.AsSpan(start, length), _dy.Data.AsSpan(start, length), _dx.Data.AsSpan(start, length));

    public override string ToString() => "ReLU";
}
