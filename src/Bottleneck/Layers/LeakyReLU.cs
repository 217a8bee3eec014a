using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// LeakyReLU: y = x if x > 0 else slope·x.  x, y: [B, ...]
// PyTorch's default slope is 0.01, Keras's 0.3; we follow PyTorch.
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Layer
{
    public float NegativeSlope { get; } = negativeSlope;

    public override int[] OutputShape(int[] inputShape) => inputShape;

    public override void Forward(Tensor x, Tensor y) => Elementwise.LeakyRelu(x.Span, NegativeSlope, y.Span);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Elementwise.LeakyReluBackward(x.Span, dy.Span, NegativeSlope, dx.Span);
    }

    public override string ToString() => $"LeakyReLU({NegativeSlope})";
}
