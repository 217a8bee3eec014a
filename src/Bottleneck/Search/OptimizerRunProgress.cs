using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>Training progress of one optimizer run within the study.</summary>
public readonly record struct OptimizerRunProgress(string Optimizer, int Repeat, TrainingProgress Training);
