using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Flatten: [B, C, H, W] → [B, C·H·W], in NCHW order as PyTorch flattens.
/// <summary>Flattens each sample to one dimension ([B, C, H, W] → [B, C·H·W]), as PyTorch's <c>nn.Flatten</c>.</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape) => [Tensor.ElementCount(inputShape)];

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y) => x.Span.CopyTo(y.Span);

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) dy.Span.CopyTo(dx.Span);
    }

    internal override bool ReshapesOnly => true;

    /// <inheritdoc/>
    public override string ToString() => "Flatten";
}
