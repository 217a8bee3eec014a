using Bottleneck.Analysis;
using Bottleneck.Losses;
using Bottleneck.Reports;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck anomaly --checkpoint</c> does: scores any data with an existing model and picks a threshold.</summary>
/// <param name="Checkpoint">The model (a model.safetensors written by train).</param>
/// <param name="Dataset">The dataset whose test images are scored; null for the one the model was trained on.</param>
/// <param name="DataDir">A folder to look for the dataset in first.</param>
/// <param name="NormalClass">The class the model takes as normal; null counts every image of the validation half as normal.</param>
/// <param name="FalsePositiveRate">The share of normal images the threshold may flag, in (0, 1).</param>
/// <param name="Loss">A variational model's reconstruction term (its negative ELBO is the score); plain models score by MSE.</param>
/// <param name="Threads">Threads for the forward passes; the scores do not depend on it.</param>
public sealed record AnomalyScoreRunSettings(string Checkpoint, string? Dataset = null, string? DataDir = null, int? NormalClass = null,
                                             double FalsePositiveRate = 0.05, LossFunction Loss = LossFunction.Bce, int Threads = 1)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (!(FalsePositiveRate > 0 && FalsePositiveRate < 1)) throw new SettingException("fpr", $"must lie strictly between 0 and 1, got {FalsePositiveRate}");
        Require.Threads(Threads);
    }
}

/// <summary>The scores and the threshold, and where the files are.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Scores">Every test image's score, in order.</param>
/// <param name="Results">What results.json holds.</param>
public sealed record AnomalyScoreRunResult(string Directory, double[] Scores, AnomalyScoreReport.Results Results);

/// <summary>
/// An existing model as an anomaly detector: every test image scored (reconstruction MSE, or a variational model's
/// negative ELBO at the mean), the threshold chosen on the first half of the test images (the (1 − rate) quantile of
/// its normal images' scores), and the rates it gives measured on the second half.
/// </summary>
public static class AnomalyScoreRun
{
    /// <summary>What <c>bottleneck anomaly --checkpoint</c> does: loads, scores, thresholds and writes the run directory.</summary>
    public static AnomalyScoreRunResult Execute(AnomalyScoreRunSettings settings, RunContext context)
    {
        settings.Validate();
        var data = CheckpointData.Load(settings.Checkpoint, settings.Dataset, settings.DataDir, null, 0, context.Observer.Data);
        var (model, test) = (data.Model, data.Test);
        var labels = test.Labels;
        if (settings.NormalClass is { } normal)
        {
            if (labels is null) throw new SettingException("normal-class", $"needs labels; {test.Name} has none");
            if (!labels.Contains(normal)) throw new SettingException("normal-class", $"{normal} is not a class of {test.Name}");
        }
        if (test.Count < 4) throw new SettingException("dataset", $"{test.Name} has {test.Count} test images; a validation half and an evaluation half need at least 4");
        context.CheckOut();
        var started = DateTimeOffset.Now;
        context.Observer.ModelStudyStarted(new ModelStudyPlan(test.Name, test.Count, model.ParameterCount, model.CodeSize, settings.Threads));
        double[] scores = AnomalyRun.Scores(model, test, settings.Loss, settings.Threads, settings.Checkpoint);

        int half = test.Count / 2;
        bool IsNormal(int i) => settings.NormalClass is not { } c || labels![i] == c;
        var validation = Enumerable.Range(0, half).Where(IsNormal).Select(i => scores[i]).Order().ToArray();
        if (validation.Length == 0) throw new SettingException("normal-class", $"no image of the first half of {test.Name}'s test images is of class {settings.NormalClass}");
        // The smallest threshold with at most the target share of the validation normals above it.
        double threshold = validation[Math.Max(0, (int)Math.Ceiling((1 - settings.FalsePositiveRate) * validation.Length) - 1)];
        var evaluation = Enumerable.Range(half, test.Count - half).ToArray();
        double? fpr = null, tpr = null, auc = null, ap = null;
        if (settings.NormalClass is not null)
        {
            var normals = evaluation.Where(IsNormal).ToArray();
            var anomalies = evaluation.Where(i => !IsNormal(i)).ToArray();
            if (normals.Length > 0) fpr = normals.Count(i => scores[i] > threshold) / (double)normals.Length;
            if (anomalies.Length > 0) tpr = anomalies.Count(i => scores[i] > threshold) / (double)anomalies.Length;
            if (normals.Length > 0 && anomalies.Length > 0)
            {
                double[] s = [.. evaluation.Select(i => scores[i])];
                bool[] anomalous = [.. evaluation.Select(i => !IsNormal(i))];
                (auc, ap) = (DetectionMetrics.RocAuc(s, anomalous), DetectionMetrics.AveragePrecision(s, anomalous));
            }
        }
        string score = AnomalyRun.ScoreName(model.Variational, settings.Loss);
        var dir = context.CreateDirectory("anomaly-score", started, AnomalyScoreReport.SchemaName);
        var results = new AnomalyScoreReport.Results(AnomalyScoreReport.SchemaName, context.Provenance(started, settings.Threads), settings.Checkpoint, data.Dataset, score,
                                                     settings.NormalClass, settings.FalsePositiveRate, threshold, validation.Length, evaluation.Length, fpr, tpr, auc, ap);
        AnomalyScoreReport.Write(dir, results, scores, labels, half);
        return new AnomalyScoreRunResult(dir.Path, scores, results);
    }
}
