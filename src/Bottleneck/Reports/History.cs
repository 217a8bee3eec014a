using System.Globalization;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>Per-epoch history as CSV tables write it, the same in every report (results.json holds <see cref="EpochRecord"/>s as they are).</summary>
public static class History
{
    internal static readonly string[] CsvHeader = ["epoch", "train_loss", "val_loss", "seconds", "train_seconds", "lr"];

    internal static void WriteCsvFields(CsvWriter csv, EpochRecord e)
    {
        csv.WriteField(e.Epoch);
        csv.WriteField(Number(e.TrainLoss));
        csv.WriteField(Number(e.EvalLoss));
        csv.WriteField(Number(e.Seconds));
        csv.WriteField(Number(e.TrainSeconds));
        csv.WriteField(Number(e.LearningRate));
    }

    /// <summary>Round-trip format, empty for non-finite values so spreadsheets read them as missing.</summary>
    internal static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
