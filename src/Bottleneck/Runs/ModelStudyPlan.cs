namespace Bottleneck.Runs;

/// <summary>A trained model about to be studied (robustness, a map of its codes) on <paramref name="Samples"/> images of <paramref name="Dataset"/>.</summary>
public sealed record ModelStudyPlan(string Dataset, int Samples, long Parameters, int CodeSize, int Threads);
