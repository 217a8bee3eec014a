namespace Bottleneck.Layers;

// BatchNorm2d: x: [B, C, H, W].
public sealed class BatchNorm2d(int numFeatures, double epsilon = 1e-5, double momentum = 0.1) : BatchNorm(numFeatures, epsilon, momentum)
{
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != NumFeatures)
            throw new ArgumentException($"{this} expects [{NumFeatures}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        return inputShape;
    }

    public override string ToString() => $"BatchNorm2d({NumFeatures})";
}
