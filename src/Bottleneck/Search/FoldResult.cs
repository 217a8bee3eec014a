using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// One fold of one trial at one epoch budget, as the study store keeps it: how it ended, its per-epoch history, and how many of
/// those epochs it went on from rather than trained (<see cref="Resumed"/>: asha's job at one rung continues the fold from the rung below).
/// </summary>
public sealed record FoldResult(RunStatus Status, IReadOnlyList<EpochRecord> Epochs, int Resumed = 0)
{
    /// <summary>A fold as the store holds it; a <see cref="DataFormatException"/> naming <paramref name="store"/> when the text is not one.</summary>
    public static FoldResult Read(string json, string store, string trial)
    {
        try
        {
            var fold = Json.Deserialize<FoldResult>(json, SearchJson.Default);
            if (fold.Epochs is null || !Enum.IsDefined(fold.Status)) throw new JsonException("'status' or 'epochs' is missing");
            if (fold.Resumed < 0 || fold.Resumed > fold.Epochs.Count) throw new JsonException($"it resumed {fold.Resumed} of its {fold.Epochs.Count} epochs");
            return fold;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DataFormatException($"{store}: a stored fold of trial {trial} is damaged ({e.Message.Split('\n')[0]}); move the store aside to start the study afresh");
        }
    }

    /// <summary>The epochs this fold trained itself: its history less what it resumed.</summary>
    [JsonIgnore] public int Trained => Epochs.Count - Resumed;

    /// <summary>The training loss of the last epoch (NaN before the first).</summary>
    [JsonIgnore] public double TrainLoss => Epochs.Count > 0 ? Epochs[^1].TrainLoss : double.NaN;

    /// <summary>The final epoch's held-out loss (validation fold in a tune, test split in a sweep); NaN unless completed.</summary>
    [JsonIgnore] public double EvalLoss => Status == RunStatus.Completed && Epochs.Count > 0 ? Epochs[^1].EvalLoss : double.NaN;
}
