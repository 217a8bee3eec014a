using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// ReLU: y = max(x, 0).  x, y: [B, ...]
public sealed class ReLU : Layer
{
    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y) => TensorPrimitives.Max(x.Span, 0f, y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Elementwise.ReluBackward(x.Span, dy.Span, dx.Span);
    }

    public override string ToString() => "ReLU";
}
