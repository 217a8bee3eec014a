using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>A study about to run: its settings, its trials, the data it trains on, where it is stored, and the epochs it plans in all.</summary>
public sealed record StudyPlan(StudySettings Settings, IReadOnlyList<TrialParams> Trials, string Dataset, int TrainSamples, int TestSamples,
                               string Store, long PlannedEpochs);
