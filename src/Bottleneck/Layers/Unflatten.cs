using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Unflatten (a reshape): [B, F] → [B, shape...] with F = Π shape, e.g. [B, 288] → [B, 32, 3, 3].
public sealed class Unflatten(params int[] shape) : Layer
{
    public int[] Shape { get; } = shape;

    public override int[] OutputShape(int[] inputShape)
    {
        if (Tensor.ElementCount(inputShape) != Tensor.ElementCount(Shape))
            throw new ArgumentException($"{this} needs {Tensor.ElementCount(Shape)} values per sample, got [{string.Join(", ", inputShape)}]");
        return Shape;
    }

    public override void Forward(Tensor x, Tensor y) => x.Span.CopyTo(y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) dy.Span.CopyTo(dx.Span);
    }

    public override string ToString() => $"Unflatten({string.Join("×", Shape)})";
}
