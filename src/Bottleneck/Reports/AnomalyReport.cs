using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// A one-class anomaly run's directory: scores.csv (every test image's score under every normal class and repeat), roc.svg
/// (each class's ROC curve), scores-C.svg (class C's score histograms, normal against anomalous), extremes.png (per class,
/// the least and the most anomalous test images) and results.json (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class AnomalyReport() : ReportKind<AnomalyReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of an anomaly run carries.</summary>
    public const string SchemaName = "bottleneck/anomaly/v1";

    /// <summary>Images in each row of extremes.png.</summary>
    internal const int ExtremeImages = 8;

    /// <summary>results.json of an anomaly run.</summary>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Status">"completed", or "cancelled" when it was stopped before every class finished.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Settings">The protocol.</param>
    /// <param name="Classes">One row per normal class.</param>
    /// <param name="MeanAuc">The mean over classes of each class's mean ROC AUC.</param>
    /// <param name="MeanAveragePrecision">The mean over classes of each class's mean average precision.</param>
    /// <param name="Seconds">Wall time of the run.</param>
    public sealed record Results(string Schema, string Status, Provenance Provenance, Settings Settings, IReadOnlyList<ClassRow> Classes,
                                 double? MeanAuc, double? MeanAveragePrecision, double Seconds);

    /// <summary>The protocol, as results.json records it.</summary>
    /// <param name="Dataset">The dataset.</param>
    /// <param name="TestSamples">Test images scored for every class.</param>
    /// <param name="Model">The model preset or file.</param>
    /// <param name="Loss">The training loss.</param>
    /// <param name="Optimizer">The optimizer and its hyperparameters.</param>
    /// <param name="Epochs">Epochs per model.</param>
    /// <param name="BatchSize">Minibatch size.</param>
    /// <param name="Seed">Repeat 0's seed; repeat r trains with seed + r.</param>
    /// <param name="Repeats">Models per class.</param>
    /// <param name="Score">What a test image's anomaly score is.</param>
    public sealed record Settings(string Dataset, int TestSamples, string Model, LossFunction Loss, Optimizers.OptimizerSettings Optimizer, int Epochs,
                                  int BatchSize, uint Seed, int Repeats, string Score);

    /// <summary>How well the models of one normal class find the other classes.</summary>
    /// <param name="Class">The normal class.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="AucMean">The mean ROC AUC over repeats, for "not this class".</param>
    /// <param name="AucStd">Its sample standard deviation (0 for one repeat).</param>
    /// <param name="AveragePrecisionMean">The mean average precision over repeats.</param>
    /// <param name="AveragePrecisionStd">Its sample standard deviation.</param>
    /// <param name="Aucs">Each repeat's ROC AUC.</param>
    /// <param name="AveragePrecisions">Each repeat's average precision.</param>
    /// <param name="TrainSeconds">Training time over the repeats.</param>
    public sealed record ClassRow(int Class, string Name, double AucMean, double AucStd, double AveragePrecisionMean, double AveragePrecisionStd,
                                  IReadOnlyList<double> Aucs, IReadOnlyList<double> AveragePrecisions, double TrainSeconds);

    /// <summary>One model of a normal class.</summary>
    /// <param name="Index">The repeat, from 0.</param>
    /// <param name="Seed">Its training seed.</param>
    /// <param name="Auc">Its ROC AUC.</param>
    /// <param name="AveragePrecision">Its average precision.</param>
    /// <param name="Seconds">Its training time.</param>
    /// <param name="Scores">Every test image's score.</param>
    internal sealed record Repeat(int Index, uint Seed, double Auc, double AveragePrecision, double Seconds, double[] Scores);

    /// <summary>A normal class and its repeats.</summary>
    internal sealed record ClassOutcome(int Class, string Name, IReadOnlyList<Repeat> Repeats);

    internal static Results Write(RunDirectory dir, TrainSettings training, int repeats, string dataset, Dataset test, IReadOnlyList<ClassOutcome> outcomes, bool cancelled,
                                  double seconds, Provenance provenance, string score)
    {
        var labels = test.Labels!;
        dir.WriteText("scores.csv", ScoresCsv(outcomes, labels));
        if (outcomes.Count > 0)
        {
            dir.WriteText("roc.svg", LineChart.Render("ROC curves, one normal class each (first repeat)", "false-positive rate", "true-positive rate",
                [.. outcomes.Select(o => Roc(o, labels))]));
            foreach (var o in outcomes) dir.WriteText($"scores-{o.Class}.svg", Histograms(o, labels));
            if (test.ImageShape is { Length: 3 } shape && shape[0] is 1 or 3)
                dir.WriteBytes("extremes.png", Extremes(outcomes, test, shape));
        }
        var rows = outcomes.Select(o =>
        {
            var aucs = o.Repeats.Select(r => r.Auc).ToList();
            var aps = o.Repeats.Select(r => r.AveragePrecision).ToList();
            return new ClassRow(o.Class, o.Name, aucs.Average(), Std(aucs), aps.Average(), Std(aps), aucs, aps, o.Repeats.Sum(r => r.Seconds));
        }).ToList();
        var t = training;
        var results = new Results(SchemaName, cancelled ? "cancelled" : "completed", provenance,
            new Settings(dataset, test.Count, t.Model.Name, t.Loss, t.Optimizer, t.Epochs, t.BatchSize, t.Seed, repeats, score),
            rows, rows.Count > 0 ? rows.Average(r => r.AucMean) : null, rows.Count > 0 ? rows.Average(r => r.AveragePrecisionMean) : null, seconds);
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    // Any class number a dataset may have: the page inlines the histograms that exist.
    internal override IReadOnlyList<string> Figures { get; } = ["roc.svg", .. Enumerable.Range(0, 256).Select(c => $"scores-{c}.svg"), "extremes.png"];

    internal override string Title(Results r) => "One-class anomaly detection";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.Status(r.Status, r.Status == "cancelled" ? "stopped before every class finished; the finished classes are below" : null);
        page.Headline(r.MeanAuc is { } auc ? $"mean ROC AUC {ReportPage.Number(auc, 4)} over {ReportPage.Count(r.Classes.Count)} normal classes" : null);
        var s = r.Settings;
        page.KeyValues(
        [
            ("dataset", $"{s.Dataset}; every one of {ReportPage.Count(s.TestSamples)} test images scored for each normal class"),
            ("protocol", $"train on the training images of the normal class only; score = {s.Score}; anomalies = every other class"),
            ("model", $"{s.Model}, {s.Loss.Name()} loss, {s.Optimizer.Name} (lr {ReportPage.Invariant(s.Optimizer.LearningRate)}, weight decay {ReportPage.Invariant(s.Optimizer.WeightDecay)}), {ReportPage.Invariant(s.Epochs)} epochs, batch {ReportPage.Invariant(s.BatchSize)}"),
            ("repeats", $"{ReportPage.Invariant(s.Repeats)} (seeds {ReportPage.Invariant(s.Seed)}…)"),
            ("mean average precision", ReportPage.Number(r.MeanAveragePrecision, 4)),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
        ]);
        Digest(page, r, directory);
    }

    internal override void Digest(ReportPage page, Results r, string directory)
    {
        if (r.Classes.Count == 0) return;
        page.Heading("h3", "Per normal class");
        page.Table(["class", "name", "ROC AUC", "average precision", "training seconds"],
            [.. r.Classes.Select(c => new[]
            {
                ReportPage.Invariant(c.Class), c.Name, ReportPage.PlusMinus(c.AucMean, c.AucStd), ReportPage.PlusMinus(c.AveragePrecisionMean, c.AveragePrecisionStd),
                ReportPage.Number(c.TrainSeconds, 3) ?? "",
            })], numeric: [0, 2, 3, 4]);
    }

    internal override string? Caption(string file, Results r) => file == "extremes.png"
        ? $"per normal class ({string.Join(", ", r.Classes.Select(c => c.Name))}), two rows: the {ExtremeImages} test images it scores least anomalous, then the {ExtremeImages} most anomalous"
        : null;

    private static double Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    // The first repeat's curve, thinned to at most 400 points (a curve has a point per distinct score).
    private static Series Roc(ClassOutcome o, int[] labels)
    {
        var curve = DetectionMetrics.RocCurve(o.Repeats[0].Scores, [.. labels.Select(l => l != o.Class)]);
        int step = Math.Max(1, curve.Count / 400);
        var kept = curve.Where((_, i) => i % step == 0 || i == curve.Count - 1).ToList();
        return new Series($"{o.Class} {o.Name} (AUC {o.Repeats[0].Auc.ToString("0.000", CultureInfo.InvariantCulture)})", [.. kept.Select(p => p.Fpr)], [.. kept.Select(p => p.Tpr)]);
    }

    // The first repeat's score histograms: normal test images against anomalous ones.
    private static string Histograms(ClassOutcome o, int[] labels)
    {
        var all = Enumerable.Range(0, labels.Length);
        return ScoreHistogram.Render($"Scores with class {o.Class} ({o.Name}) as normal", o.Repeats[0].Scores,
            [($"normal: {o.Name}", all.Where(i => labels[i] == o.Class)), ("anomalous: the other classes", all.Where(i => labels[i] != o.Class))]);
    }

    // Per class two rows: the least anomalous test images, then the most anomalous (first repeat).
    private static byte[] Extremes(IReadOnlyList<ClassOutcome> outcomes, Dataset test, int[] shape)
    {
        var rows = new List<IReadOnlyList<float[]>>();
        foreach (var o in outcomes)
        {
            var scores = o.Repeats[0].Scores;
            var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).ToList();
            rows.Add([.. order.Take(ExtremeImages).Select(i => test.Features.Row(i).ToArray())]);
            rows.Add([.. order.TakeLast(ExtremeImages).Reverse().Select(i => test.Features.Row(i).ToArray())]);
        }
        return ImageGrid.RenderRows(rows, shape[1], shape[2], scale: 2, rowsPerGroup: 2, channels: shape[0]);
    }

    private static string ScoresCsv(IReadOnlyList<ClassOutcome> outcomes, int[] labels)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "normal_class", "repeat", "sample", "label", "anomalous", "score" }) csv.WriteField(h);
        csv.NextRecord();
        foreach (var o in outcomes)
            foreach (var r in o.Repeats)
                for (int i = 0; i < r.Scores.Length; i++)
                {
                    csv.WriteField(o.Class);
                    csv.WriteField(r.Index);
                    csv.WriteField(i);
                    csv.WriteField(labels[i]);
                    csv.WriteField(labels[i] != o.Class ? 1 : 0);
                    csv.WriteField(r.Scores[i].ToString("R", CultureInfo.InvariantCulture));
                    csv.NextRecord();
                }
        return text.ToString();
    }
}
