using System.Text.Json.Nodes;
using Bottleneck.Reports;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>One fold of one trial at one epoch budget: how it ended and its per-epoch history.</summary>
public sealed record FoldResult(RunStatus Status, IReadOnlyList<EpochRecord> Epochs)
{
    public double TrainLoss => Epochs.Count > 0 ? Epochs[^1].TrainLoss : double.NaN;
    public double ValLoss => Status == RunStatus.Completed && Epochs.Count > 0 ? Epochs[^1].ValLoss : double.NaN;

    public JsonObject ToJson() => new()
    {
        ["status"] = OptimizerStudyReport.Status(Status),
        ["epochs"] = History.ToJson(Epochs),
    };

    public static FoldResult FromJson(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var status = Enum.Parse<RunStatus>(node["status"]!.GetValue<string>(), ignoreCase: true);
        var epochs = node["epochs"]!.AsArray().Select(e => new EpochRecord(
            e!["epoch"]!.GetValue<int>(), Number(e["train_loss"]), Number(e["val_loss"]),
            e["seconds"]!.GetValue<double>(), e["train_seconds"]!.GetValue<double>(), e["lr"]!.GetValue<double>())).ToList();
        return new FoldResult(status, epochs);
    }

    private static double Number(JsonNode? node) => node is null ? double.NaN : node.GetValue<double>();
}
