namespace Bottleneck.Layers;

// BatchNorm1d: x: [B, C] or [B, C, L].
public sealed class BatchNorm1d(int numFeatures, double epsilon = 1e-5, double momentum = 0.1) : BatchNorm(numFeatures, epsilon, momentum)
{
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length is not (1 or 2) || inputShape[0] != NumFeatures)
            throw new ArgumentException($"{this} expects [{NumFeatures}] or [{NumFeatures}, L] inputs, got [{string.Join(", ", inputShape)}]");
        return inputShape;
    }

    public override string ToString() => $"BatchNorm1d({NumFeatures})";
}
