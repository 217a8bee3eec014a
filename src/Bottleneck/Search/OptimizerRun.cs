using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>One optimizer trained from one seed. TestMse is the reconstruction MSE on the test split.</summary>
public sealed record OptimizerRun(
    string Optimizer, int Repeat, uint Seed, RunStatus Status, double TestMse, TrainingResult Training, double Seconds);
