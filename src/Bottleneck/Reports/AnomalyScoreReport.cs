using System.Globalization;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// A scoring run's directory (<c>bottleneck anomaly --checkpoint</c>): scores.csv (every test image's anomaly score, which
/// half it is in, and whether it is over the threshold), scores.svg (score histograms: the validation half's normal images
/// against the evaluation half) and results.json (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class AnomalyScoreReport() : ReportKind<AnomalyScoreReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of a scoring run carries.</summary>
    public const string SchemaName = "bottleneck/anomaly-score/v1";

    /// <summary>results.json of a scoring run.</summary>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Checkpoint">The model.</param>
    /// <param name="Dataset">The dataset whose test images were scored.</param>
    /// <param name="Score">What a score is.</param>
    /// <param name="NormalClass">The class taken as normal; null when every image of the validation half counts as normal.</param>
    /// <param name="TargetFalsePositiveRate">The false-positive rate the threshold was chosen for.</param>
    /// <param name="Threshold">Scores above it are anomalies: the (1 − rate) quantile of the validation half's normal scores.</param>
    /// <param name="Validation">Normal images of the validation half (the first half of the test images) the threshold was chosen on.</param>
    /// <param name="Evaluation">Images of the evaluation half (the rest), where the figures below are measured.</param>
    /// <param name="FalsePositiveRate">The evaluation half's share of normal images over the threshold; null without a normal class.</param>
    /// <param name="TruePositiveRate">The evaluation half's share of anomalies over the threshold; null without a normal class.</param>
    /// <param name="Auc">The evaluation half's ROC AUC; null without a normal class.</param>
    /// <param name="AveragePrecision">The evaluation half's average precision; null without a normal class.</param>
    public sealed record Results(string Schema, Provenance Provenance, string Checkpoint, string Dataset, string Score, int? NormalClass,
                                 double TargetFalsePositiveRate, double Threshold, int Validation, int Evaluation, double? FalsePositiveRate,
                                 double? TruePositiveRate, double? Auc, double? AveragePrecision);

    internal static Results Write(RunDirectory dir, Results results, double[] scores, int[]? labels, int half)
    {
        dir.WriteText("scores.csv", Csv(scores, labels, half, results.Threshold));
        dir.WriteText("scores.svg", Histograms(scores, labels, half, results.NormalClass));
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal override IReadOnlyList<string> Figures { get; } = ["scores.svg"];

    internal override string Title(Results r) => "Anomaly scores of a model";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.Headline(r.FalsePositiveRate is { } fpr
            ? $"threshold {ReportPage.Number(r.Threshold, 4)}: false-positive rate {ReportPage.Number(fpr, 3)} (target {ReportPage.Number(r.TargetFalsePositiveRate, 3)}), true-positive rate {ReportPage.Number(r.TruePositiveRate, 3)}"
            : $"threshold {ReportPage.Number(r.Threshold, 4)} for a false-positive rate of {ReportPage.Number(r.TargetFalsePositiveRate, 3)}");
        page.KeyValues(
        [
            ("checkpoint", r.Checkpoint),
            ("dataset", r.Dataset),
            ("score", r.Score),
            ("normal class", r.NormalClass is { } c ? ReportPage.Invariant(c) : "every image of the validation half"),
            ("threshold chosen on", $"{ReportPage.Count(r.Validation)} normal images of the first half of the test images"),
            ("measured on", $"{ReportPage.Count(r.Evaluation)} images of the second half"),
            ("ROC AUC", ReportPage.Number(r.Auc, 4)),
            ("average precision", ReportPage.Number(r.AveragePrecision, 4)),
        ]);
    }

    private static string Csv(double[] scores, int[]? labels, int half, double threshold)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in labels is null ? ["sample", "split", "score", "anomaly"] : new[] { "sample", "label", "split", "score", "anomaly" }) csv.WriteField(h);
        csv.NextRecord();
        for (int i = 0; i < scores.Length; i++)
        {
            csv.WriteField(i);
            if (labels is not null) csv.WriteField(labels[i]);
            csv.WriteField(i < half ? "validation" : "evaluation");
            csv.WriteField(scores[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores[i] > threshold ? 1 : 0);
            csv.NextRecord();
        }
        return text.ToString();
    }

    // The validation half's normal scores against the evaluation half's (split into normal and anomalous when a class is named).
    private static string Histograms(double[] scores, int[]? labels, int half, int? normal)
    {
        bool Normal(int i) => normal is not { } c || labels is null || labels[i] == c;
        var validation = Enumerable.Range(0, half).Where(Normal);
        var evaluation = Enumerable.Range(half, scores.Length - half);
        return ScoreHistogram.Render("Anomaly scores", scores, normal is null || labels is null
            ? [("validation (normal)", validation), ("evaluation", evaluation)]
            : [("validation (normal)", validation), ("evaluation: normal", evaluation.Where(Normal)), ("evaluation: anomalous", evaluation.Where(i => !Normal(i)))]);
    }
}
