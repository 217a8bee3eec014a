using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Tanh: y = tanh(x); dx = dy·(1 − y²).  x, y: [B, ...]
public sealed class Tanh : Layer
{
    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y) => TensorPrimitives.Tanh(x.Span, y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Elementwise.TanhBackward(y.Span, dy.Span, dx.Span);
    }

    public override string ToString() => "Tanh";
}
