using System.Diagnostics;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;
using Bottleneck.Training;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck anomaly</c> does: the one-class protocol on a labelled dataset.</summary>
/// <param name="Data">The labelled dataset; its published test split (or a seeded one) is scored.</param>
/// <param name="Training">How each one-class model is trained (its seed is repeat 0's; repeat r trains with seed + r).</param>
/// <param name="NormalClasses">The classes that take turns as the normal one; null for every class.</param>
/// <param name="Repeats">Seeds per class, for mean ± std.</param>
public sealed record AnomalyRunSettings(DataSource Data, TrainSettings Training, IReadOnlyList<int>? NormalClasses = null, int Repeats = 1)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Data.Validate();
        Training.Validate();
        Require.AtLeast(Repeats, 1, "repeat");
        if (NormalClasses is { } classes && classes.Distinct().Count() != classes.Count) throw new SettingException("normal-class", "names a class twice");
    }
}

/// <summary>The per-class detection figures, and where the files are.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Results">What results.json holds.</param>
public sealed record AnomalyRunResult(string Directory, AnomalyReport.Results Results);

/// <summary>
/// The one-class protocol of autoencoder anomaly detection (Ruff et al. 2018 and the papers after it): for each normal class c,
/// train on the training images of class c only, score every test image by its reconstruction error (a variational model's by its negative ELBO), and measure how well the
/// score tells "not c" from c (ROC AUC, average precision); repeated over seeds, averaged over classes.
/// </summary>
public static class AnomalyRun
{
    /// <summary>What <c>bottleneck anomaly</c> does: loads the data, trains one model per normal class and repeat, scores, and writes the run directory.</summary>
    public static AnomalyRunResult Execute(AnomalyRunSettings settings, RunContext context)
    {
        context.CheckOut();
        var data = Prepare(settings, context.Observer);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("anomaly", started, AnomalyReport.SchemaName);
        return Run(settings, data, dir, context.Provenance(started, settings.Training.Threads), context.Observer, context.Cancel);
    }

    /// <summary>The labelled data and the normal classes, checked before any folder is touched (what a pipeline's anomaly phase does first).</summary>
    internal static (Dataset Train, Dataset Test, IReadOnlyList<int> Classes) Prepare(AnomalyRunSettings settings, IRunObserver observer)
    {
        settings.Validate();
        var (train, test) = settings.Data.Load(settings.Training.Seed, observer.Data);
        if (train.Labels is null || test.Labels is null)
            throw new SettingException("dataset", $"{train.Name} has no labels; the one-class protocol needs classes");
        var present = train.Labels.Distinct().Order().ToList();
        var classes = settings.NormalClasses ?? present;
        foreach (int c in classes)
            if (!present.Contains(c))
                throw new SettingException("normal-class", $"{c} is not a class of {train.Name} (classes {string.Join(", ", present)})");
        return (train, test, classes);
    }

    internal static AnomalyRunResult Run(AnomalyRunSettings settings, (Dataset Train, Dataset Test, IReadOnlyList<int> Classes) data, RunDirectory dir,
                                         Provenance provenance, IRunObserver observer, CancellationToken cancel)
    {
        var (train, test, classes) = data;
        var names = ClassNames(train.Name, [.. train.Labels!.Distinct().Order()]);
        var clock = Stopwatch.StartNew();
        var outcomes = new List<AnomalyReport.ClassOutcome>();
        foreach (int c in classes)
        {
            if (cancel.IsCancellationRequested) break;
            var normalTrain = train.Subset([.. Enumerable.Range(0, train.Count).Where(i => train.Labels![i] == c)]);
            var normalTest = test.Subset([.. Enumerable.Range(0, test.Count).Where(i => test.Labels![i] == c)]);
            bool[] anomalous = [.. test.Labels!.Select(l => l != c)];
            var repeats = new List<AnomalyReport.Repeat>();
            for (int r = 0; r < settings.Repeats && !cancel.IsCancellationRequested; r++)
            {
                string label = $"class {c} ({names[c]})" + (settings.Repeats > 1 ? $", repeat {r + 1}" : "");
                var training = settings.Training with { Seed = settings.Training.Seed + (uint)r };
                observer.TrainingStarted(new TrainingPlan([label], training.Epochs, normalTrain.Count, normalTest.Count, train.Name, training.Model.Name, training.Threads));
                var result = Trainer.Run(training, normalTrain, normalTest, p => observer.Training(label, p), cancel);
                if (result.Status == RunStatus.Cancelled) break;
                if (result.Status == RunStatus.Diverged)
                    throw new SettingException("lr", $"training on class {c} diverged ({result.Message}); try a smaller learning rate");
                double[] scores = Scores(result.Model, test, training.Loss, training.Threads, $"the model of class {c}");
                repeats.Add(new AnomalyReport.Repeat(r, training.Seed, DetectionMetrics.RocAuc(scores, anomalous), DetectionMetrics.AveragePrecision(scores, anomalous),
                                                     result.Seconds, scores));
            }
            if (repeats.Count == settings.Repeats) outcomes.Add(new AnomalyReport.ClassOutcome(c, names[c], repeats));
        }
        string score = ScoreName(settings.Training.Model.For(train.SampleShape).Variational, settings.Training.Loss);
        var results = AnomalyReport.Write(dir, settings.Training, settings.Repeats, train.Name, test, outcomes, cancelled: outcomes.Count < classes.Count,
                                          clock.Elapsed.TotalSeconds, provenance, score);
        return new AnomalyRunResult(dir.Path, results);
    }

    /// <summary>
    /// Every image's anomaly score under <paramref name="model"/>, on <paramref name="threads"/> threads: its reconstruction MSE,
    /// or a variational model's negative ELBO at the code's mean (with <paramref name="loss"/>'s reconstruction term); a
    /// <see cref="DataFormatException"/> naming <paramref name="source"/> when a score is not finite.
    /// </summary>
    internal static double[] Scores(Autoencoder model, Dataset data, LossFunction loss, int threads, string source)
    {
        using var pool = new WorkerPool(threads);
        model.Workers = pool;
        try
        {
            var scores = model.Variational ? NegativeElbo.PerSample(model, data, loss) : Reconstructions.Errors(model, data.Features);
            if (Array.FindIndex(scores, s => !double.IsFinite(s)) is var bad and >= 0)
                throw new DataFormatException($"{source} gives a NaN or infinite score for image {bad + 1} of {data.Name}; its weights overflow on these images");
            return scores;
        }
        finally
        {
            model.Workers = WorkerPool.Serial;
        }
    }

    /// <summary>What a score is, as results files say it.</summary>
    internal static string ScoreName(bool variational, LossFunction loss) =>
        variational ? $"negative ELBO at the mean ({loss.Name()} reconstruction + KL)" : "reconstruction MSE";

    // The MNIST family's class names; otherwise each class is its number.
    private static Dictionary<int, string> ClassNames(string dataset, IReadOnlyList<int> classes)
    {
        var known = MnistFamily.Find(dataset)?.ClassNames;
        return classes.ToDictionary(c => c, c => known is not null && c < known.Count ? known[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
