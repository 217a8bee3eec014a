namespace Bottleneck.Search;

/// <summary>Per-optimizer aggregate over repeats; diverged and cancelled runs are counted, not averaged.</summary>
public sealed record OptimizerSummary(string Optimizer, int Rank, double MeanTestMse, double StdTestMse, int Runs, int Diverged, int Cancelled)
{
    /// <summary>"ok", or how many runs did not complete and why, e.g. "1/3 diverged".</summary>
    public string Status => (Diverged, Cancelled) switch
    {
        (0, 0) => "ok",
        (> 0, 0) => $"{Diverged}/{Runs} diverged",
        (0, > 0) => $"{Cancelled}/{Runs} cancelled",
        _ => $"{Diverged}/{Runs} diverged, {Cancelled}/{Runs} cancelled",
    };
}
