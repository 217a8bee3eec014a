using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>Per-epoch history as results.json and CSV write it, the same in every report.</summary>
public static class History
{
    public static JsonArray ToJson(IReadOnlyList<EpochRecord> epochs) =>
        new([.. epochs.Select(e => (JsonNode)new JsonObject
        {
            ["epoch"] = e.Epoch,
            ["train_loss"] = Json.Number(e.TrainLoss),
            ["val_loss"] = Json.Number(e.ValLoss),
            ["seconds"] = e.Seconds,
            ["train_seconds"] = e.TrainSeconds,
            ["lr"] = e.LearningRate,
        })]);

    public static readonly string[] CsvHeader = ["epoch", "train_loss", "val_loss", "seconds", "train_seconds", "lr"];

    public static void WriteCsvFields(CsvWriter csv, EpochRecord e)
    {
        csv.WriteField(e.Epoch);
        csv.WriteField(Number(e.TrainLoss));
        csv.WriteField(Number(e.ValLoss));
        csv.WriteField(Number(e.Seconds));
        csv.WriteField(Number(e.TrainSeconds));
        csv.WriteField(Number(e.LearningRate));
    }

    /// <summary>Round-trip format, empty for non-finite values so spreadsheets read them as missing.</summary>
    public static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
