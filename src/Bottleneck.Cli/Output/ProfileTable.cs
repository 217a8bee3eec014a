using System.Globalization;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary><c>train --profile</c>: where the training time went, layer by layer and pass by pass, and the rate reached against the peak.</summary>
public static class ProfileTable
{
    public static void Print(TrainingProfile p)
    {
        double perStep = p.Steps > 0 ? 1000.0 / p.Steps : double.NaN;
        var table = new Table().Border(TableBorder.Simple)
            .Title($"Where {p.TrainSeconds:0.00} s of training went ({p.Steps:N0} steps, {p.Samples / Math.Max(1.0, p.TrainSeconds):N0} images/s, {Plural.Count(p.Threads, "thread")}); ms per step");
        table.AddColumn("part");
        table.AddColumn("layer");
        foreach (var heading in new[] { "forward", "weight grad", "input grad", "share", "GFLOP/s" })
            table.AddColumn(new TableColumn(heading).RightAligned());
        foreach (var l in p.Layers)
            table.AddRow(l.Part, Markup.Escape(l.Layer), Ms(l.ForwardSeconds * perStep), Ms(l.WeightGradientSeconds * perStep), Ms(l.InputGradientSeconds * perStep),
                         Share(l.Seconds, p.TrainSeconds), l.Gflop > 0 ? Rate(l.Gflop / l.Seconds) : "");
        foreach (var (name, seconds) in new[] { ("batches", p.BatchSeconds), ("loss", p.LossSeconds), ("optimizer", p.OptimizerSeconds), ("other", p.OtherSeconds) })
            table.AddRow("step", name, Ms(seconds * perStep), "", "", Share(seconds, p.TrainSeconds), "");
        AnsiConsole.Write(table);
        Console.WriteLine($"layers {Share(p.LayerSeconds, p.TrainSeconds)} of training; evaluation after each epoch {p.EvaluationSeconds:0.00} s more");
        Console.WriteLine($"achieved {Rate(p.Gflops)} GFLOP/s ({p.Gflop / Math.Max(1, p.Samples) * 1e3:0.00} MFLOP per image) of a peak of {Rate(p.PeakGflops)} " +
                          $"({p.ShareOfPeak:P1}; peak: one core's measured FMA rate × {p.Threads})");
    }

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);
    private static string Share(double part, double whole) => whole > 0 ? (part / whole).ToString("P1", CultureInfo.InvariantCulture) : "";
    private static string Rate(double gflops) => gflops.ToString("0.0", CultureInfo.InvariantCulture);
}
