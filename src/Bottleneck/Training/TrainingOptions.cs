namespace Bottleneck.Training;

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 256;
    /// <summary>Reshuffle the training set at the start of every epoch.</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>A learning-rate schedule as text (<c>plateau:patience=5</c>), stepped after every epoch with the validation loss.</summary>
    public string? Schedule { get; init; }
    /// <summary>Stop after this many epochs without improvement of the validation loss.</summary>
    public int? EarlyStopping { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (EarlyStopping is < 1) throw new ArgumentException($"early-stopping patience must be at least 1, got {EarlyStopping}");
        if (Schedule is not null) Schedules.ScheduleSpec.Parse(Schedule);
    }
}
