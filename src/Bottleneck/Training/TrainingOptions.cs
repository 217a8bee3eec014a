namespace Bottleneck.Training;

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 256;
    /// <summary>Reshuffle the training set at the start of every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
    }
}
