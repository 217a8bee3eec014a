using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>One optimizer trained from one seed; its test MSE is the reconstruction MSE on the test split.</summary>
public sealed record OptimizerRun(string Optimizer, int Repeat, uint Seed, TrainResult Result)
{
    public RunStatus Status => Result.Status;
    public double TestMse => Result.TestMse;
    public double Seconds => Result.Seconds;
}
