using System.Globalization;
using Bottleneck.Optimizers;
using Bottleneck.Search;
using Spectre.Console;

namespace Bottleneck.Cli.Output;

/// <summary>Study A's ranking: test MSE per optimizer, beside the published Keras and PyTorch figures when the protocol is study A's.</summary>
public static class OptimizerTable
{
    public static void Print(OptimizerStudyResult result, bool showReference)
    {
        bool repeated = result.Settings.Repeats > 1;
        var table = new Table().Border(TableBorder.Simple).Title($"Test MSE on {result.Data.Name} ({result.Data.Test} test samples)");
        table.AddColumn("rank");
        table.AddColumn("optimizer");
        table.AddColumn(new TableColumn(repeated ? "test MSE (mean ± std)" : "test MSE").RightAligned());
        if (showReference)
        {
            table.AddColumn(new TableColumn("Keras (published)").RightAligned());
            table.AddColumn(new TableColumn("PyTorch 1.13").RightAligned());
        }
        table.AddColumn("status");
        foreach (var r in result.Ranking)
        {
            string mse = !double.IsFinite(r.MeanTestMse) ? "—" : repeated ? $"{r.MeanTestMse:0.0000} ± {r.StdTestMse:0.0000}" : $"{r.MeanTestMse:0.0000}";
            var cells = new List<string> { r.Rank.ToString(CultureInfo.InvariantCulture), OptimizerSettings.DisplayName(r.Optimizer), mse };
            if (showReference)
            {
                var reference = StudyAReference.TestMse.TryGetValue(r.Optimizer, out var v) ? v : (double.NaN, double.NaN);
                cells.Add(double.IsFinite(reference.Item1) ? $"{reference.Item1:0.0000}" : "");
                cells.Add(double.IsFinite(reference.Item2) ? $"{reference.Item2:0.0000}" : "");
            }
            cells.Add(r.Status);
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        AnsiConsole.Write(table);
        var b = result.Data.Baselines;
        Console.WriteLine($"baselines: predicting the mean training sample scores {b.MeanImage:0.0000}, predicting zeros {b.Zeros:0.0000}");
        if (result.Data.MseFloor > 0)
            Console.WriteLine($"floor: no model with a sigmoid output can score below {result.Data.MseFloor:0.0000} on this test set");
        foreach (var warning in result.Warnings.Skip(result.Data.Warnings.Count)) Console.Error.WriteLine($"warning: {warning}");
    }
}
