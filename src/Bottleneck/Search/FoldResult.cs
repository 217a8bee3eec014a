using System.Text.Json.Serialization;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>One fold of one trial at one epoch budget, as the study store keeps it: how it ended and its per-epoch history.</summary>
public sealed record FoldResult(RunStatus Status, IReadOnlyList<EpochRecord> Epochs)
{
    [JsonIgnore] public double TrainLoss => Epochs.Count > 0 ? Epochs[^1].TrainLoss : double.NaN;

    /// <summary>The final epoch's held-out loss (validation fold in a tune, test split in a sweep); NaN unless completed.</summary>
    [JsonIgnore] public double EvalLoss => Status == RunStatus.Completed && Epochs.Count > 0 ? Epochs[^1].EvalLoss : double.NaN;
}
