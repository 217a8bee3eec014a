using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Unflatten (a reshape): [B, F] → [B, shape...] with F = Π shape, e.g. [B, 288] → [B, 32, 3, 3].
/// <summary>Reshapes each sample from one dimension to <paramref name="shape"/> ([B, C·H·W] → [B, C, H, W]), as PyTorch's <c>nn.Unflatten</c>.</summary>
/// <param name="shape">The per-sample output shape.</param>
public sealed class Unflatten(params int[] shape) : Layer
{
    /// <summary>The per-sample output shape.</summary>
    public int[] Shape { get; } = shape;

    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        if (Tensor.ElementCount(inputShape) != Tensor.ElementCount(Shape))
            throw new ArgumentException($"{this} needs {Tensor.ElementCount(Shape)} values per sample, got [{string.Join(", ", inputShape)}]");
        return Shape;
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y) => x.Span.CopyTo(y.Span);

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) dy.Span.CopyTo(dx.Span);
    }

    internal override bool ReshapesOnly => true;

    /// <inheritdoc/>
    public override string ToString() => $"Unflatten({string.Join("×", Shape)})";
}
