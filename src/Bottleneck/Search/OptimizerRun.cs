using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>One optimizer trained from one seed; its test MSE is the reconstruction MSE on the test split.</summary>
public sealed record OptimizerRun(string Optimizer, int Repeat, uint Seed, TrainResult Result)
{
    /// <summary>How the run ended.</summary>
    public RunStatus Status => Result.Status;
    /// <summary>Reconstruction MSE on the test split.</summary>
    public double TestMse => Result.TestMse;
    /// <summary>Wall time of the run.</summary>
    public double Seconds => Result.Seconds;
}
