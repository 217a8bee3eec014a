using Bottleneck.Models;
using Bottleneck.Optimizers;

namespace Bottleneck.Training;

/// <summary>Everything that defines one training run of <see cref="ModelTraining"/>.</summary>
public sealed record TrainSettings
{
    public required ModelSpec Model { get; init; }
    /// <summary>"lab", "dense" or the model file the architecture came from, for the record.</summary>
    public required string ModelName { get; init; }
    public required OptimizerSettings Optimizer { get; init; }
    public string Loss { get; init; } = "mse";
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 256;
    public string? Schedule { get; init; }
    public int? EarlyStopping { get; init; }
    public uint Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;

    public TrainingOptions Options => new() { Epochs = Epochs, BatchSize = BatchSize, Schedule = Schedule, EarlyStopping = EarlyStopping };

    public void Validate()
    {
        Options.Validate();
        if (Threads < 1) throw new ArgumentException($"threads must be at least 1, got {Threads}");
        if (Loss is not ("mse" or "bce")) throw new ArgumentException($"unknown loss '{Loss}' (expected mse or bce)");
        if (!(Optimizer.LearningRate > 0 && double.IsFinite(Optimizer.LearningRate)))
            throw new ArgumentException($"learning rate must be a positive number, got {Optimizer.LearningRate}");
        if (!(Optimizer.WeightDecay >= 0 && double.IsFinite(Optimizer.WeightDecay)))
            throw new ArgumentException($"weight decay must be a number ≥ 0, got {Optimizer.WeightDecay}");
    }
}
