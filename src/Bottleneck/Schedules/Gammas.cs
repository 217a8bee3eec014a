namespace Bottleneck.Schedules;

internal static class Gammas
{
    /// <summary>A decay factor must keep the learning rate a finite number ≥ 0; PyTorch does not check.</summary>
    public static void Check(double gamma)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma))
            throw new ArgumentException($"gamma must be a finite number ≥ 0, got {gamma}");
    }
}
