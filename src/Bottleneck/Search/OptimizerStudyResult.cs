namespace Bottleneck.Search;

public sealed record OptimizerStudyResult(
    OptimizerStudySettings Settings,
    DataSummary Data,
    IReadOnlyList<OptimizerRun> Runs,
    IReadOnlyList<OptimizerSummary> Ranking,
    IReadOnlyList<string> Warnings,
    bool Cancelled,
    double Seconds);

/// <summary>What the study trained on, after scaling and splitting.</summary>
/// <param name="MseFloor">
/// The lowest test MSE any model with this output activation can reach: outputs confined to
/// [0, 1] cannot follow targets outside it. Zero when the output is unbounded.
/// </param>
public sealed record DataSummary(string Name, int Features, int Train, int Test, double MseFloor, double OutOfRangeFraction);
