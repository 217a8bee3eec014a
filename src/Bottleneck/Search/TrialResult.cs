using System.Text.Json.Nodes;
using Bottleneck.Reports;

namespace Bottleneck.Search;

/// <summary>How a trial ended: completed at the full budget, diverged in some fold, or pruned at a rung.</summary>
public enum TrialStatus { Completed, Diverged, Pruned }

/// <summary>
/// One trial's outcome at the last budget it reached: per-fold results, the means and standard
/// deviations over folds, and the score it is ranked by (lower is better; diverged is +∞).
/// </summary>
public sealed record TrialResult(TrialParams Params, TrialStatus Status, int Budget, IReadOnlyList<FoldResult> Folds, double Score)
{
    public IReadOnlyList<double> FoldValLosses => [.. Folds.Select(f => f.ValLoss)];
    public double MeanValLoss => Mean(FoldValLosses);
    public double StdValLoss => Std(FoldValLosses);
    public double MeanTrainLoss => Mean([.. Folds.Select(f => f.TrainLoss)]);
    public double StdTrainLoss => Std([.. Folds.Select(f => f.TrainLoss)]);
    public int EpochsTrained => Folds.Sum(f => f.Epochs.Count);

    private static double Mean(IReadOnlyList<double> v) => v.Count == 0 ? double.NaN : v.Average();

    // Sample standard deviation (ddof 1) over folds; 0 for a single fold.
    private static double Std(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }

    public JsonObject ToJson() => new()
    {
        ["params"] = Params.ToJson(),
        ["status"] = Status.ToString().ToLowerInvariant(),
        ["budget_epochs"] = Budget,
        ["fold_val_losses"] = new JsonArray([.. FoldValLosses.Select(Json.Number)]),
        ["mean_val_loss"] = Json.Number(MeanValLoss),
        ["std_val_loss"] = Json.Number(StdValLoss),
        ["fold_train_losses"] = new JsonArray([.. Folds.Select(f => Json.Number(f.TrainLoss))]),
        ["mean_train_loss"] = Json.Number(MeanTrainLoss),
        ["std_train_loss"] = Json.Number(StdTrainLoss),
        ["score"] = Json.Number(Score),
        ["epochs_trained"] = EpochsTrained,
        ["folds"] = new JsonArray([.. Folds.Select(f => (JsonNode)f.ToJson())]),
    };

    public static TrialResult FromJson(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var folds = node["folds"]!.AsArray().Select(f => FoldResult.FromJson(f!.ToJsonString())).ToList();
        return new TrialResult(TrialParams.FromJson(node["params"]!.ToJsonString()),
            Enum.Parse<TrialStatus>(node["status"]!.GetValue<string>(), ignoreCase: true),
            node["budget_epochs"]!.GetValue<int>(), folds, node["score"] is { } s ? s.GetValue<double>() : double.PositiveInfinity);
    }
}
