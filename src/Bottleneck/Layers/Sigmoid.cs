using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Sigmoid: y = 1 / (1 + e^(−x)); dx = dy·y·(1 − y).  x, y: [B, ...]
public sealed class Sigmoid : Layer
{
    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y) => TensorPrimitives.Sigmoid(x.Span, y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Elementwise.SigmoidBackward(y.Span, dy.Span, dx.Span);
    }

    public override string ToString() => "Sigmoid";
}
