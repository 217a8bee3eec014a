using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Tensors;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// Study A: the same autoencoder trained with each optimizer, scored by test MSE.
/// Within a repeat every optimizer starts from the same initial weights and sees the same
/// batch order (a paired comparison); repeat r uses seed + r. Runs are independent, so they
/// go in parallel, one per thread; threads left over when there are fewer runs than threads
/// go to each run's kernels. No number depends on the thread count.
/// </summary>
public static class OptimizerComparison
{
    /// <param name="resume">The saved state a run (optimizer, repeat) goes on from, or null to train it afresh; a run saved
    /// when it had finished is restored without training, so an interrupted study resumes with the numbers it would have had.</param>
    /// <param name="epochEnded">Called with a run's state at the end of each of its epochs (from the thread training it), to save it.</param>
    /// <param name="settings">The study's protocol.</param>
    /// <param name="data">The whole dataset, split and scaled by the study.</param>
    /// <param name="progress">Called after each epoch of each run (from the thread training it).</param>
    /// <param name="cancel">Stops the study after the epochs in progress; the result is marked cancelled.</param>
    public static OptimizerStudyResult Run(OptimizerStudySettings settings, Dataset data,
                                           Action<OptimizerRunProgress>? progress = null, CancellationToken cancel = default,
                                           Func<string, int, TrainingState?>? resume = null, Action<string, int, TrainingState>? epochEnded = null)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var (train, test, summary) = Prepare(settings, data);

        var jobs = (from r in Enumerable.Range(0, settings.Repeats)
                    from name in settings.Optimizers
                    select (Name: name, Repeat: r)).ToArray();
        var runs = new OptimizerRun?[jobs.Length];
        int concurrent = Math.Min(settings.Threads, jobs.Length);
        int threadsPerRun = settings.Threads / concurrent;
        using var pool = new WorkerPool(concurrent);
        pool.For(jobs.Length, i =>
        {
            if (cancel.IsCancellationRequested) return;
            var (name, repeat) = jobs[i];
            uint seed = settings.Seed + (uint)repeat;
            var result = Trainer.Run(TrainSettingsFor(settings, name, seed, threadsPerRun), train, test,
                                     p => progress?.Invoke(new OptimizerRunProgress(name, repeat, p)), cancel,
                                     resume: resume?.Invoke(name, repeat), epochEnded: epochEnded is null ? null : state => epochEnded(name, repeat, state));
            runs[i] = new OptimizerRun(name, repeat, seed, result);
        });

        var finished = runs.OfType<OptimizerRun>().ToList();
        return new OptimizerStudyResult(settings, summary, finished, Rank(settings, finished), cancel.IsCancellationRequested, clock.Elapsed.TotalSeconds);
    }

    // Study A's model and one optimizer: the same seed gives every optimizer the same initial weights.
    private static TrainSettings TrainSettingsFor(OptimizerStudySettings settings, string optimizer, uint seed, int threads) => new()
    {
        Model = new ModelChoice("dense", settings.CodeSize, settings.Hidden, settings.Output, settings.Init),
        Optimizer = settings.OptimizerFor(optimizer),
        Loss = settings.Loss,
        Epochs = settings.Epochs,
        BatchSize = settings.BatchSize,
        Schedule = settings.Schedule,
        EarlyStopping = settings.EarlyStopping,
        Seed = seed,
        Threads = threads,
    };

    /// <summary>
    /// Scales the whole set (as study A does), splits it, and measures what the output activation can reach. Samples
    /// are feature vectors here, whatever their image shape: study A's model is fully connected.
    /// </summary>
    public static (Dataset Train, Dataset Test, DataSummary Summary) Prepare(OptimizerStudySettings settings, Dataset data)
    {
        if (data.Count < 2) throw new DataFormatException($"{data.Name} has {data.Count} sample(s); at least 2 are needed to split");
        var scaler = settings.Scaler.Create();
        var scaled = new Dataset(data.Name, scaler is null ? data.Features : scaler.FitTransform(data.Features), data.Labels);
        var (train, test) = TrainTestSplit.Split(scaled, settings.TestFraction, settings.Seed);
        if (settings.TestLimit is { } limit && limit < test.Count) test = test.Subset([.. Enumerable.Range(0, limit)]);
        var (floor, outside) = settings.Output == OutputActivation.Sigmoid ? SigmoidFloor(test.Features) : (0, 0);
        return (train, test, new DataSummary(data.Name, data.FeatureCount, train.Count, test.Count, settings.Scaler, floor, outside,
                                                   MseBaselines.Of(train, test), settings.Loss == LossFunction.Bce && OutsideUnitRange(train.Features)));
    }

    private static bool OutsideUnitRange(Tensor x)
    {
        foreach (float v in x.Data)
            if (v < 0 || v > 1) return true;
        return false;
    }

    // The best a [0, 1] output can do is predict clip(x, 0, 1); its MSE is the floor.
    private static (double Floor, double Outside) SigmoidFloor(Tensor x)
    {
        double sum = 0;
        long outside = 0;
        foreach (float v in x.Data)
        {
            float gap = v < 0 ? v : v > 1 ? v - 1 : 0;
            sum += gap * gap;
            if (gap != 0) outside++;
        }
        return (sum / x.Length, (double)outside / x.Length);
    }

    private static IReadOnlyList<OptimizerSummary> Rank(OptimizerStudySettings settings, IReadOnlyList<OptimizerRun> runs)
    {
        var rows = settings.Optimizers.Select(name =>
        {
            var mine = runs.Where(r => r.Optimizer == name).ToList();
            var ok = mine.Where(r => r.Status == RunStatus.Completed && double.IsFinite(r.TestMse)).Select(r => r.TestMse).ToList();
            double mean = ok.Count > 0 ? ok.Average() : double.NaN;
            // Sample standard deviation (ddof 1), as a notebook's np.std(..., ddof=1) over seeds would report.
            double std = ok.Count > 1 ? Math.Sqrt(ok.Sum(v => (v - mean) * (v - mean)) / (ok.Count - 1)) : 0;
            return (Name: name, Mean: mean, Std: std, Runs: mine.Count, Diverged: mine.Count(r => r.Status == RunStatus.Diverged),
                    Cancelled: mine.Count(r => r.Status == RunStatus.Cancelled));
        }).Where(r => r.Runs > 0)
          .OrderBy(r => double.IsFinite(r.Mean) ? 0 : 1).ThenBy(r => r.Mean).ThenBy(r => IndexOf(settings.Optimizers, r.Name))
          .ToList();
        return [.. rows.Select((r, i) => new OptimizerSummary(r.Name, i + 1, r.Mean, r.Std, r.Runs, r.Diverged, r.Cancelled))];
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
