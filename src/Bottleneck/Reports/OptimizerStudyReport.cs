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
    /// <summary>The schema name results.json of an optimizer study carries.</summary>
    public const string SchemaName = "bottleneck/optimizers/v1";

    /// <summary>results.json of an optimizer study.</summary>
    /// <param name="Published">For study A's exact protocol, the published Keras and the PyTorch 1.13 test MSE of each optimizer, to compare with.</param>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Status">"completed", or "cancelled" when the study was stopped before every run finished.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Settings">The protocol every run shared.</param>
    /// <param name="Data">The dataset and its reference errors.</param>
    /// <param name="Warnings">What the study noticed and went on with (e.g. values outside the output range).</param>
    /// <param name="Ranking">One row per optimizer, best mean test MSE first.</param>
    /// <param name="Runs">One entry per optimizer and repeat, in the order they were planned.</param>
    /// <param name="Seconds">Wall time of the study.</param>
    public sealed record Results(string Schema, string Status, Provenance Provenance, Settings Settings, Data Data, IReadOnlyList<string> Warnings,
                                 IReadOnlyList<RankingRow> Ranking, IReadOnlyList<Run> Runs, double Seconds,
                                 [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, Reference>? Published = null);

    /// <summary>A published figure to compare with: the test MSE Keras' original study reports and the one PyTorch 1.13 reproduces.</summary>
    /// <param name="Keras">Test MSE of the published Keras study.</param>
    /// <param name="PyTorch">Test MSE of the PyTorch 1.13 reproduction.</param>
    public sealed record Reference(double Keras, double PyTorch);

    /// <param name="LearningRate">The one rate every optimizer used, or the text "optimizer default".</param>
    /// <param name="Init">The weight initialisation, as <see cref="Layers.InitScheme"/> names it.</param>
    /// <summary>The protocol of an optimizer study, as results.json records it.</summary>
    /// <param name="Dataset">The dataset as given (e.g. <c>digits</c>, <c>csv:PATH</c>).</param>
    /// <param name="Optimizers">The optimizers compared, by PyTorch name.</param>
    /// <param name="Convention">Which library's default hyperparameters the optimizers took: "keras" or "pytorch".</param>
    /// <param name="Epochs">Epochs per run.</param>
    /// <param name="BatchSize">Minibatch size.</param>
    /// <param name="CodeSize">Width of the code layer.</param>
    /// <param name="Hidden">Widths of the encoder's hidden layers (mirrored in the decoder).</param>
    /// <param name="Loss">The reconstruction loss.</param>
    /// <param name="Output">The output activation, lower case.</param>
    /// <param name="Scaler">The feature scaling, by name.</param>
    /// <param name="TestFraction">The share of samples held out for testing.</param>
    /// <param name="Seed">The study's seed; run r of each optimizer derives its own from it.</param>
    /// <param name="Repeat">Runs per optimizer.</param>
    /// <param name="OptimizerHyperparameters">Every optimizer's hyperparameters as it ran.</param>
    /// <param name="Schedule">The learning-rate schedule, when there was one.</param>
    /// <param name="EarlyStopping">The early-stopping patience in epochs, when set.</param>
    /// <param name="TestLimit">The cap on test samples, when set.</param>
    public sealed record Settings(string Dataset, IReadOnlyList<string> Optimizers, JsonNode LearningRate, string Convention, int Epochs, int BatchSize,
                                  int CodeSize, IReadOnlyList<int> Hidden, LossFunction Loss, string Output, string Init, string Scaler, double TestFraction,
                                  uint Seed, int Repeat, IReadOnlyDictionary<string, OptimizerSettings> OptimizerHyperparameters,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScheduleSpec? Schedule = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EarlyStopping = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TestLimit = null);

    /// <param name="MeanSampleMse">The test MSE of predicting the mean training sample; <paramref name="ZerosMse"/> of predicting zeros.</param>
    /// <summary>The data of an optimizer study.</summary>
    /// <param name="Name">The dataset's name.</param>
    /// <param name="Features">Values per sample.</param>
    /// <param name="Train">Training samples.</param>
    /// <param name="Test">Test samples.</param>
    /// <param name="MseFloor">The test MSE below which float32 rounding makes differences meaningless.</param>
    /// <param name="OutOfRangeFraction">The share of scaled test values outside [0, 1], which a sigmoid output cannot reach.</param>
    /// <param name="ZerosMse">The test MSE of predicting zeros.</param>
    public sealed record Data(string Name, int Features, int Train, int Test, double MseFloor, double OutOfRangeFraction,
                              [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MeanSampleMse = null,
                              [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ZerosMse = null);

    /// <summary>One optimizer's line of the ranking.</summary>
    /// <param name="Rank">1 for the lowest mean test MSE.</param>
    /// <param name="Optimizer">The optimizer's PyTorch name.</param>
    /// <param name="MeanTestMse">Mean test MSE over its finished runs.</param>
    /// <param name="StdTestMse">Sample standard deviation of those (0 for one run).</param>
    /// <param name="Runs">Runs that finished.</param>
    /// <param name="Diverged">Runs whose loss became NaN or infinite.</param>
    /// <param name="Cancelled">Runs stopped before the end.</param>
    /// <param name="Status">"ok", or what kept the optimizer from a full ranking.</param>
    public sealed record RankingRow(int Rank, string Optimizer, double MeanTestMse, double StdTestMse, int Runs, int Diverged, int Cancelled, string Status);

    /// <summary>One training run of the study.</summary>
    /// <param name="Optimizer">The optimizer's PyTorch name.</param>
    /// <param name="Repeat">Which repeat, from 0.</param>
    /// <param name="Seed">The run's own seed.</param>
    /// <param name="Status">How the run ended.</param>
    /// <param name="Message">Why it ended early, when it did.</param>
    /// <param name="TestMse">Reconstruction MSE on the test split after the last epoch.</param>
    /// <param name="FinalTrainLoss">Training loss of the last epoch.</param>
    /// <param name="FinalValLoss">Test loss of the last epoch.</param>
    /// <param name="Seconds">Wall time of the run.</param>
    /// <param name="Epochs">Every epoch's record.</param>
    public sealed record Run(string Optimizer, int Repeat, uint Seed, RunStatus Status, string? Message, double TestMse, double FinalTrainLoss,
                             double FinalValLoss, double Seconds, IReadOnlyList<EpochRecord> Epochs);

    /// <param name="studyA">Whether the run is study A's exact protocol, so the published figures belong beside its own.</param>
    /// <param name="dir">The run directory written into.</param>
    /// <param name="result">The finished (or cancelled) study.</param>
    /// <param name="provenance">Who ran it and how.</param>
    internal static Results Write(RunDirectory dir, OptimizerStudyResult result, Provenance provenance, bool studyA = false)
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
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    /// <summary>The results.json record of <paramref name="result"/>, without the published figures.</summary>
    internal static Results ResultsOf(OptimizerStudyResult result, Provenance provenance)
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
