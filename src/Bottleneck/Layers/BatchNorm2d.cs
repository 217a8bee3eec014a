namespace Bottleneck.Layers;

// BatchNorm2d: x: [B, C, H, W].
/// <summary>BatchNorm over the channels of x: [B, C, H, W], as PyTorch's <c>nn.BatchNorm2d</c>.</summary>
/// <param name="numFeatures">C, the channels normalised.</param>
/// <param name="epsilon">ε added to the variance.</param>
/// <param name="momentum">The newest batch's weight in the running statistics.</param>
public sealed class BatchNorm2d(int numFeatures, double epsilon = 1e-5, double momentum = 0.1) : BatchNorm(numFeatures, epsilon, momentum)
{
    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != NumFeatures)
            throw new ArgumentException($"{this} expects [{NumFeatures}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        return inputShape;
    }

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm2d({NumFeatures})";
}
