namespace Bottleneck.Layers;

// BatchNorm1d: x: [B, C] or [B, C, L].
/// <summary>BatchNorm over the features of x: [B, C], as PyTorch's <c>nn.BatchNorm1d</c>.</summary>
/// <param name="numFeatures">C, the features normalised.</param>
/// <param name="epsilon">ε added to the variance.</param>
/// <param name="momentum">The newest batch's weight in the running statistics.</param>
public sealed class BatchNorm1d(int numFeatures, double epsilon = 1e-5, double momentum = 0.1) : BatchNorm(numFeatures, epsilon, momentum)
{
    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length is not (1 or 2) || inputShape[0] != NumFeatures)
            throw new ArgumentException($"{this} expects [{NumFeatures}] or [{NumFeatures}, L] inputs, got [{string.Join(", ", inputShape)}]");
        return inputShape;
    }

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm1d({NumFeatures})";
}
