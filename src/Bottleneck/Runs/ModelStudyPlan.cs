namespace Bottleneck.Runs;

/// <summary>A trained model about to be studied (robustness, a map of its codes) on <paramref name="Samples"/> images of <paramref name="Dataset"/>.</summary>
/// <param name="Dataset">The dataset the images come from.</param>
/// <param name="Samples">Test images used.</param>
/// <param name="Parameters">The model's trainable parameters.</param>
/// <param name="CodeSize">The width of its code.</param>
/// <param name="Threads">Threads the study runs on.</param>
/// <param name="Label">The model's name when several are compared; null for one.</param>
public sealed record ModelStudyPlan(string Dataset, int Samples, long Parameters, int CodeSize, int Threads, string? Label = null);
