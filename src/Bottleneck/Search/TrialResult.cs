using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bottleneck.Search;

/// <summary>How a trial ended: completed at the full budget, diverged in some fold, or pruned at a rung.</summary>
[JsonConverter(typeof(EnumAsWord<TrialStatus>))]
public enum TrialStatus
{
    /// <summary>Every fold trained the full budget.</summary>
    Completed,
    /// <summary>The loss of some fold became NaN or infinite.</summary>
    Diverged,
    /// <summary>Stopped at a halving rung: not among the best there.</summary>
    Pruned,
    /// <summary>Training threw an error more times than the study retries a trial.</summary>
    Failed,
}

/// <summary>
/// One trial's outcome at the last budget it reached, as the study store and results.json hold it: per-fold
/// results, the means and standard deviations over folds of the final training and held-out ("val") losses,
/// and the score it is ranked by (lower is better; diverged is +∞, null in files).
/// </summary>
public sealed record TrialResult(
    [property: JsonPropertyOrder(0)] TrialParams Params,
    [property: JsonPropertyOrder(1)] TrialStatus Status,
    [property: JsonPropertyOrder(2), JsonPropertyName("budget_epochs")] int Budget,
    [property: JsonPropertyOrder(11)] IReadOnlyList<FoldResult> Folds,
    [property: JsonPropertyOrder(9), JsonConverter(typeof(NullAsInfinity))] double Score)
{
    /// <summary>The held-out loss of each fold at the last epoch.</summary>
    [JsonPropertyOrder(3), JsonPropertyName("fold_val_losses")] public IReadOnlyList<double> FoldEvalLosses => [.. Folds.Select(f => f.EvalLoss)];
    /// <summary>Their mean.</summary>
    [JsonPropertyOrder(4), JsonPropertyName("mean_val_loss")] public double MeanEvalLoss => Mean(FoldEvalLosses);
    /// <summary>Their sample standard deviation.</summary>
    [JsonPropertyOrder(5), JsonPropertyName("std_val_loss")] public double StdEvalLoss => Std(FoldEvalLosses);
    /// <summary>The training loss of each fold at the last epoch.</summary>
    [JsonPropertyOrder(6)] public IReadOnlyList<double> FoldTrainLosses => [.. Folds.Select(f => f.TrainLoss)];
    /// <summary>Their mean.</summary>
    [JsonPropertyOrder(7)] public double MeanTrainLoss => Mean(FoldTrainLosses);
    /// <summary>Their sample standard deviation.</summary>
    [JsonPropertyOrder(8)] public double StdTrainLoss => Std(FoldTrainLosses);
    /// <summary>Epochs trained over all folds.</summary>
    [JsonPropertyOrder(10)] public int EpochsTrained => Folds.Sum(f => f.Epochs.Count);

    /// <summary>1 for the best trial of a ranked list; absent in the store, which keeps trials unranked.</summary>
    [JsonPropertyOrder(12), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Rank { get; init; }

    /// <summary>A trial's result as the store holds it; a <see cref="DataFormatException"/> naming <paramref name="store"/> when the text is not one.</summary>
    public static TrialResult Read(string json, string store, string trial)
    {
        try
        {
            var result = Json.Deserialize<TrialResult>(json, SearchJson.Default);
            if (result.Params is null || result.Folds is null || result.Folds.Any(f => f?.Epochs is null) || !Enum.IsDefined(result.Status))
                throw new JsonException("'params', 'status' or 'folds' is missing");
            return result;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DataFormatException($"{store}: the stored result of trial {trial} is damaged ({e.Message.Split('\n')[0]}); move the store aside to start the study afresh");
        }
    }

    private static double Mean(IReadOnlyList<double> v) => v.Count == 0 ? double.NaN : v.Average();

    // Sample standard deviation (ddof 1) over folds; 0 for a single fold.
    private static double Std(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }
}
