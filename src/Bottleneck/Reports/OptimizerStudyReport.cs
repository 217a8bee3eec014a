using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Search;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// Study A's run directory: results.json (schema <see cref="SchemaName"/>), results.csv (one row per run), epochs.csv
/// (one row per run and epoch), optimizers.svg, curves.svg and, after results.json, report.html.
/// </summary>
public sealed class OptimizerStudyReport() : ReportKind<OptimizerStudyReport.Results>(SchemaName)
{
    public const string SchemaName = "bottleneck/optimizers/v1";

    /// <summary>results.json of an optimizer study.</summary>
    /// <param name="Published">For study A's exact protocol, the published Keras and the PyTorch 1.13 test MSE of each optimizer, to compare with.</param>
    public sealed record Results(string Schema, string Status, Provenance Provenance, Settings Settings, Data Data, IReadOnlyList<string> Warnings,
                                 IReadOnlyList<RankingRow> Ranking, IReadOnlyList<Run> Runs, double Seconds,
                                 [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, Reference>? Published = null);

    public sealed record Reference(double Keras, double PyTorch);

    /// <param name="LearningRate">The one rate every optimizer used, or the text "optimizer default".</param>
    /// <param name="Init">The weight initialisation, as <see cref="Layers.InitScheme"/> names it.</param>
    public sealed record Settings(string Dataset, IReadOnlyList<string> Optimizers, JsonNode LearningRate, string Convention, int Epochs, int BatchSize,
                                  int CodeSize, IReadOnlyList<int> Hidden, LossFunction Loss, string Output, string Init, string Scaler, double TestFraction,
                                  uint Seed, int Repeat, IReadOnlyDictionary<string, OptimizerSettings> OptimizerHyperparameters,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScheduleSpec? Schedule = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EarlyStopping = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TestLimit = null);

    /// <param name="MeanSampleMse">The test MSE of predicting the mean training sample; <paramref name="ZerosMse"/> of predicting zeros.</param>
    public sealed record Data(string Name, int Features, int Train, int Test, double MseFloor, double OutOfRangeFraction,
                              [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MeanSampleMse = null,
                              [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ZerosMse = null);

    public sealed record RankingRow(int Rank, string Optimizer, double MeanTestMse, double StdTestMse, int Runs, int Diverged, int Cancelled, string Status);

    public sealed record Run(string Optimizer, int Repeat, uint Seed, RunStatus Status, string? Message, double TestMse, double FinalTrainLoss,
                             double FinalValLoss, double Seconds, IReadOnlyList<EpochRecord> Epochs);

    /// <param name="studyA">Whether the run is study A's exact protocol, so the published figures belong beside its own.</param>
    public static Results Write(RunDirectory dir, OptimizerStudyResult result, Provenance provenance, bool studyA = false)
    {
        // Tables and charts first, results.json last: its presence marks a complete run.
        dir.WriteText("results.csv", RunsCsv(result));
        dir.WriteText("epochs.csv", EpochsCsv(result));
        dir.WriteText("optimizers.svg", BarChartSvg(result));
        dir.WriteText("curves.svg", CurvesSvg(result));
        var results = ResultsOf(result, provenance) with
        {
            Published = studyA ? StudyAReference.TestMse.ToDictionary(kv => kv.Key, kv => new Reference(kv.Value.Keras, kv.Value.PyTorch)) : null,
        };
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results));
        HtmlReport.Write(dir);
        return results;
    }

    public static Results ResultsOf(OptimizerStudyResult result, Provenance provenance)
    {
        var s = result.Settings;
        var d = result.Data;
        return new Results(
            SchemaName,
            result.Cancelled ? "cancelled" : "completed",
            provenance,
            new Settings(d.Name, s.Optimizers, s.LearningRate is { } lr ? JsonValue.Create(lr) : JsonValue.Create("optimizer default"),
                         s.Convention.ToString().ToLowerInvariant(), s.Epochs, s.BatchSize, s.CodeSize, s.Hidden, s.Loss,
                         s.Output.ToString().ToLowerInvariant(), s.Init.ToString(), s.Scaler.Name(), s.TestFraction, s.Seed, s.Repeats,
                         s.Optimizers.ToDictionary(o => o, s.OptimizerFor), s.Schedule, s.EarlyStopping, s.TestLimit),
            new Data(d.Name, d.Features, d.Train, d.Test, d.MseFloor, d.OutOfRangeFraction, d.Baselines.MeanImage, d.Baselines.Zeros),
            result.Warnings,
            [.. result.Ranking.Select(r => new RankingRow(r.Rank, r.Optimizer, r.MeanTestMse, r.StdTestMse, r.Runs, r.Diverged, r.Cancelled, r.Status))],
            [.. result.Runs.Select(r => new Run(r.Optimizer, r.Repeat, r.Seed, r.Status, r.Result.Message, r.TestMse, r.Result.FinalTrainLoss,
                                               r.Result.FinalEvalLoss, r.Seconds, r.Result.Epochs))],
            result.Seconds);
    }

    internal override IReadOnlyList<string> Figures { get; } = ["optimizers.svg", "curves.svg"];

    internal override string Title(Results r) => "Optimizer study";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.KeyValues(
        [
            ("dataset", r.Data.Name),
            ("features", ReportPage.Count(r.Data.Features)),
            ("train / test samples", $"{ReportPage.Count(r.Data.Train)} / {ReportPage.Count(r.Data.Test)}"),
            ("test MSE of predicting the mean training sample", r.Data.MeanSampleMse is { } mean ? ReportPage.Number(mean, 6) : null),
            ("test MSE of predicting zeros", r.Data.ZerosMse is { } zeros ? ReportPage.Number(zeros, 6) : null),
            // Only a bounded output has a floor; an unbounded one (or data in [0, 1]) has none worth a row.
            ("lowest test MSE a sigmoid output can reach", r.Data.MseFloor > 0 ? ReportPage.Number(r.Data.MseFloor, 6) : null),
            ("epochs", ReportPage.Invariant(r.Settings.Epochs)),
            ("repeats", ReportPage.Invariant(r.Settings.Repeat)),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
        ]);
        page.Heading("h3", "Ranking");
        bool published = r.Published is { Count: > 0 };
        var rows = r.Ranking.Select(x => new[]
        {
            ReportPage.Invariant(x.Rank), OptimizerSettings.DisplayName(x.Optimizer), ReportPage.PlusMinus(x.MeanTestMse, x.StdTestMse, x.Runs),
        }.Concat(published
            ? [ReportPage.Number(r.Published!.GetValueOrDefault(x.Optimizer)?.Keras, 4) ?? "", ReportPage.Number(r.Published!.GetValueOrDefault(x.Optimizer)?.PyTorch, 4) ?? ""]
            : []).Concat([ReportPage.Invariant(x.Runs), ReportPage.Invariant(x.Diverged), x.Status]).ToArray()).ToList();
        string[] columns = ["rank", "optimizer", r.Settings.Repeat > 1 ? "test MSE (mean ± std)" : "test MSE", .. published ? new[] { "Keras (published)", "PyTorch 1.13" } : [],
                            "runs", "diverged", "status"];
        page.Table(columns, rows, numeric: published ? [0, 2, 3, 4, 5, 6] : [0, 2, 3, 4]);
        page.List("Warnings", r.Warnings);
    }

    private static string RunsCsv(OptimizerStudyResult result)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "optimizer", "repeat", "seed", "status", "test_mse", "final_train_loss", "final_val_loss", "seconds" }) csv.WriteField(h);
        csv.NextRecord();
        foreach (var r in result.Runs)
        {
            csv.WriteField(r.Optimizer); csv.WriteField(r.Repeat); csv.WriteField(r.Seed); csv.WriteField(r.Status.ToString().ToLowerInvariant());
            csv.WriteField(History.Number(r.TestMse)); csv.WriteField(History.Number(r.Result.FinalTrainLoss));
            csv.WriteField(History.Number(r.Result.FinalEvalLoss)); csv.WriteField(History.Number(r.Seconds));
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
            foreach (var e in r.Result.Epochs)
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
        // One line per optimizer: the mean over repeats of the held-out loss at each epoch.
        var series = result.Settings.Optimizers.Select(name =>
        {
            var runs = result.Runs.Where(r => r.Optimizer == name).ToList();
            int epochs = runs.Count == 0 ? 0 : runs.Max(r => r.Result.Epochs.Count);
            var x = new List<double>();
            var y = new List<double>();
            for (int e = 0; e < epochs; e++)
            {
                var values = runs.Where(r => r.Result.Epochs.Count > e).Select(r => r.Result.Epochs[e].EvalLoss).ToList();
                x.Add(e + 1);
                y.Add(values.Count == runs.Count ? values.Average() : double.NaN);
            }
            return new Series(OptimizerSettings.DisplayName(name), x, y);
        }).ToList();
        return LineChart.Render($"Validation loss ({result.Settings.Loss.Name()}) per epoch", "epoch", "validation loss", series);
    }
}
