using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Flatten: [B, C, H, W] → [B, C·H·W], in NCHW order as PyTorch flattens.
public sealed class Flatten : Layer
{
    public override int[] OutputShape(int[] inputShape) => [Tensor.ElementCount(inputShape)];

    public override void Forward(Tensor x, Tensor y) => x.Span.CopyTo(y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) dy.Span.CopyTo(dx.Span);
    }

    public override string ToString() => "Flatten";
}
