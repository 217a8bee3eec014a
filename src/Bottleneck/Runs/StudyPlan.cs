using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>
/// A study about to run: its settings, its trials, the data it trains on, where it is stored, the epochs it plans in all
/// (the full grid of <c>--verify</c> included), and for a resumed study the trials and epochs already done.
/// </summary>
public sealed record StudyPlan(StudySettings Settings, IReadOnlyList<TrialParams> Trials, string Dataset, int TrainSamples, int TestSamples,
                               string Store, long PlannedEpochs, int FinishedTrials = 0, long FinishedEpochs = 0);
