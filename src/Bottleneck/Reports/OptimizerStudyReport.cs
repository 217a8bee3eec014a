using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Optimizers;
using Bottleneck.Search;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// Writes study A's run directory: results.json (schema <see cref="Schema"/>), results.csv
/// (one row per run), epochs.csv (one row per run and epoch), optimizers.svg, curves.svg and, after results.json, report.html.
/// </summary>
public static class OptimizerStudyReport
{
    public const string Schema = "bottleneck/optimizers/v1";

    public static void Write(RunDirectory dir, OptimizerStudyResult result, Provenance provenance)
    {
        // Tables and charts first, results.json last: its presence marks a complete run.
        dir.WriteText("results.csv", RunsCsv(result));
        dir.WriteText("epochs.csv", EpochsCsv(result));
        dir.WriteText("optimizers.svg", BarChartSvg(result));
        dir.WriteText("curves.svg", CurvesSvg(result));
        dir.WriteText("results.json", Json.Serialize(ToJson(result, provenance)));
        HtmlReport.Write(dir);
    }

    public static JsonObject ToJson(OptimizerStudyResult result, Provenance provenance)
    {
        var s = result.Settings;
        return new JsonObject
        {
            ["schema"] = Schema,
            ["status"] = result.Cancelled ? "cancelled" : "completed",
            ["provenance"] = provenance.ToJson(),
            ["settings"] = new JsonObject
            {
                ["dataset"] = result.Data.Name,
                ["optimizers"] = new JsonArray([.. s.Optimizers.Select(o => (JsonNode)o)]),
                ["learning_rate"] = s.LearningRate is { } lr ? Json.Number(lr) : "optimizer default",
                ["convention"] = s.Convention.ToString().ToLowerInvariant(),
                ["epochs"] = s.Epochs,
                ["batch_size"] = s.BatchSize,
                ["code_size"] = s.CodeSize,
                ["hidden"] = new JsonArray([.. s.Hidden.Select(h => (JsonNode)h)]),
                ["loss"] = s.Loss,
                ["output"] = s.Output.ToString().ToLowerInvariant(),
                ["init"] = s.Init.ToString(),
                ["scaler"] = s.Scaler,
                ["test_fraction"] = s.TestFraction,
                ["seed"] = s.Seed,
                ["repeat"] = s.Repeats,
                ["optimizer_hyperparameters"] = new JsonObject(s.Optimizers.Select(o =>
                    KeyValuePair.Create(o, (JsonNode?)SettingsJson.Optimizer(s.OptimizerFor(o))))),
            },
            ["data"] = new JsonObject
            {
                ["name"] = result.Data.Name,
                ["features"] = result.Data.Features,
                ["train"] = result.Data.Train,
                ["test"] = result.Data.Test,
                ["mse_floor"] = result.Data.MseFloor,
                ["out_of_range_fraction"] = result.Data.OutOfRangeFraction,
            },
            ["warnings"] = new JsonArray([.. result.Warnings.Select(w => (JsonNode)w)]),
            ["ranking"] = new JsonArray([.. result.Ranking.Select(r => (JsonNode)new JsonObject
            {
                ["rank"] = r.Rank,
                ["optimizer"] = r.Optimizer,
                ["mean_test_mse"] = Json.Number(r.MeanTestMse),
                ["std_test_mse"] = Json.Number(r.StdTestMse),
                ["runs"] = r.Runs,
                ["diverged"] = r.Diverged,
                ["cancelled"] = r.Cancelled,
                ["status"] = r.Status,
            })]),
            ["runs"] = new JsonArray([.. result.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["optimizer"] = r.Optimizer,
                ["repeat"] = r.Repeat,
                ["seed"] = r.Seed,
                ["status"] = Status(r.Status),
                ["message"] = r.Training.Message,
                ["test_mse"] = Json.Number(r.TestMse),
                ["final_train_loss"] = Json.Number(r.Training.FinalTrainLoss),
                ["final_val_loss"] = Json.Number(r.Training.FinalValLoss),
                ["seconds"] = r.Seconds,
                ["epochs"] = History.ToJson(r.Training.Epochs),
            })]),
            ["seconds"] = result.Seconds,
        };
    }

    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();

    private static string RunsCsv(OptimizerStudyResult result)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "optimizer", "repeat", "seed", "status", "test_mse", "final_train_loss", "final_val_loss", "seconds" }) csv.WriteField(h);
        csv.NextRecord();
        foreach (var r in result.Runs)
        {
            csv.WriteField(r.Optimizer); csv.WriteField(r.Repeat); csv.WriteField(r.Seed); csv.WriteField(Status(r.Status));
            csv.WriteField(History.Number(r.TestMse)); csv.WriteField(History.Number(r.Training.FinalTrainLoss));
            csv.WriteField(History.Number(r.Training.FinalValLoss)); csv.WriteField(History.Number(r.Seconds));
            csv.NextRecord();
        }
        return text.ToString();
    }

    private static string EpochsCsv(OptimizerStudyResult result)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "optimizer", "repeat" }.Concat(History.CsvHeader)) csv.WriteField(h);
        csv.NextRecord();
        foreach (var r in result.Runs)
            foreach (var e in r.Training.Epochs)
            {
                csv.WriteField(r.Optimizer); csv.WriteField(r.Repeat);
                History.WriteCsvFields(csv, e);
                csv.NextRecord();
            }
        return text.ToString();
    }

    private static string BarChartSvg(OptimizerStudyResult result)
    {
        bool repeated = result.Settings.Repeats > 1;
        var bars = result.Ranking
            .OrderBy(r => result.Settings.Optimizers.ToList().IndexOf(r.Optimizer))
            .Select(r => new Bar(OptimizerSettings.DisplayName(r.Optimizer), r.MeanTestMse, repeated ? r.StdTestMse : null))
            .ToList();
        string title = repeated ? $"Test MSE by optimizer (mean ± std over {result.Settings.Repeats} seeds)" : "Test MSE by optimizer";
        return BarChart.Render(title, "test MSE", bars);
    }

    private static string CurvesSvg(OptimizerStudyResult result)
    {
        // One line per optimizer: the mean over repeats of the validation loss at each epoch.
        var series = result.Settings.Optimizers.Select(name =>
        {
            var runs = result.Runs.Where(r => r.Optimizer == name).ToList();
            int epochs = runs.Count == 0 ? 0 : runs.Max(r => r.Training.Epochs.Count);
            var x = new List<double>();
            var y = new List<double>();
            for (int e = 0; e < epochs; e++)
            {
                var values = runs.Where(r => r.Training.Epochs.Count > e).Select(r => r.Training.Epochs[e].ValLoss).ToList();
                x.Add(e + 1);
                y.Add(values.Count == runs.Count ? values.Average() : double.NaN);
            }
            return new Series(OptimizerSettings.DisplayName(name), x, y);
        }).ToList();
        return LineChart.Render($"Validation loss ({result.Settings.Loss}) per epoch", "epoch", "validation loss", series);
    }
}
