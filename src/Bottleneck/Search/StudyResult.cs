namespace Bottleneck.Search;

/// <summary>
/// A study's trials, ranked (completed by score, then pruned by how far they got, diverged, failed last),
/// with the epochs it trained and those the full grid would have. With verification, the winner
/// of the full grid as well.
/// </summary>
public sealed record StudyResult(
    StudySettings Settings,
    IReadOnlyList<TrialResult> Ranked,
    int Unfinished,
    long EpochsTrained,
    long FullGridEpochs,
    TrialResult? FullGridWinner,
    bool Cancelled,
    double Seconds)
{
    /// <summary>With asha, every promotion decided, in order.</summary>
    public IReadOnlyList<Promotion> Promotions { get; init; } = [];

    /// <summary>Slot-seconds the study's workers sat with nothing to run, over every process that worked on it.</summary>
    public double IdleSeconds { get; init; }

    /// <summary>The best completed trial, or null when none completed.</summary>
    public TrialResult? Best => Ranked.Count > 0 && Ranked[0].Status == TrialStatus.Completed ? Ranked[0] : null;

    /// <summary>Orders <paramref name="trials"/> by score (diverged and failed last), numbering them from 1.</summary>
    public static IReadOnlyList<TrialResult> Rank(IEnumerable<TrialResult> trials) =>
        [.. trials.OrderBy(t => t.Status switch { TrialStatus.Completed => 0, TrialStatus.Pruned => 1, TrialStatus.Diverged => 2, _ => 3 })
                  .ThenByDescending(t => t.Status == TrialStatus.Pruned ? t.Budget : 0)   // pruned later ranks above pruned sooner
                  .ThenBy(t => t.Score)];
}
