using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>The outcome of training one model: the model itself, its history and its test score.</summary>
public sealed record TrainOutcome(Autoencoder Model, TrainingResult Training, double TestMse, double ImagesPerSecond, double Seconds);

/// <summary>
/// Trains one autoencoder on a train split, validating on the test split each epoch, using all
/// the threads given for every layer's kernels (data-parallel inside each batch, with
/// reductions in a fixed order: the same seed gives the same weights on any thread count).
/// </summary>
public static class ModelTraining
{
    /// <param name="built">Called with the freshly built model before training starts (to describe it).</param>
    public static TrainOutcome Run(TrainSettings settings, Dataset train, Dataset test, Action<TrainingProgress>? progress = null,
                                   CancellationToken cancel = default, Action<Autoencoder>? built = null)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        if (!train.SampleShape.SequenceEqual(settings.Model.Input) && train.FeatureCount != Tensor.ElementCount(settings.Model.Input))
            throw new ArgumentException($"the model takes [{string.Join(", ", settings.Model.Input)}] inputs, {train.Name} has [{string.Join(", ", train.SampleShape)}]");
        var rng = new RandomState(settings.Seed);
        var model = settings.Model.Build(rng);
        built?.Invoke(model);
        using var workers = settings.Threads > 1 ? new WorkerPool(settings.Threads) : null;
        model.Workers = workers ?? WorkerPool.Serial;
        var trainer = new Trainer(model, Loss.Create(settings.Loss), settings.Optimizer.Create(model.Parameters),
                                  settings.Options, rng);
        var result = trainer.Fit(train, test, progress, cancel);
        double testMse = result.Status == RunStatus.Diverged ? double.NaN : trainer.Evaluate(test, new MSELoss());
        double trainSeconds = result.Epochs.Sum(e => e.TrainSeconds);
        double imagesPerSecond = trainSeconds > 0 ? result.Epochs.Count * (double)train.Count / trainSeconds : double.NaN;
        model.Workers = WorkerPool.Serial;
        return new TrainOutcome(model, result, testMse, imagesPerSecond, clock.Elapsed.TotalSeconds);
    }
}
