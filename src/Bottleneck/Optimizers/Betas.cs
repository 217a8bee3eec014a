namespace Bottleneck.Optimizers;

internal static class Betas
{
    public static void Check(double beta1, double beta2)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
            throw new ArgumentException($"betas must lie in [0, 1), got ({beta1}, {beta2})");
    }
}
