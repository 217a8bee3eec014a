using Bottleneck.Data;

namespace Bottleneck.Search;

public sealed record OptimizerStudyResult(
    OptimizerStudySettings Settings,
    DataSummary Data,
    IReadOnlyList<OptimizerRun> Runs,
    IReadOnlyList<OptimizerSummary> Ranking,
    bool Cancelled,
    double Seconds);

/// <summary>What the study trained on, after scaling and splitting.</summary>
/// <param name="MseFloor">
/// The lowest test MSE any model with this output activation can reach: outputs confined to
/// [0, 1] cannot follow targets outside it. Zero when the output is unbounded.
/// </param>
/// <param name="OutOfRangeFraction">The share of test values outside [0, 1] (0 when the output is unbounded).</param>
public sealed record DataSummary(string Name, int Features, int Train, int Test, ScalerKind Scaler, double MseFloor, double OutOfRangeFraction)
{
    /// <summary>What the floor means, in words, when there is one (results files keep it).</summary>
    public IReadOnlyList<string> Warnings => OutOfRangeFraction > 0
        ? [$"a sigmoid output cannot reach {OutOfRangeFraction * 100:0}% of the {(Scaler == ScalerKind.None ? "unscaled" : Scaler.Name())} test values " +
           $"(they lie outside [0, 1]), so no optimizer can get the test MSE below {MseFloor:0.####}; scale the data to [0, 1] (the minmax scaler), " +
           "or use a linear output with MSE loss"]
        : [];
}
