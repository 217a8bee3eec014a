namespace Bottleneck.Search;

/// <summary>Per-optimizer aggregate over repeats; diverged runs are counted, not averaged.</summary>
public sealed record OptimizerSummary(string Optimizer, int Rank, double MeanTestMse, double StdTestMse, int Runs, int Diverged);
