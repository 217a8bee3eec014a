using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// Minibatch training of an autoencoder (the target is the input): the one way anything in Bottleneck is
/// trained, by every command and pipeline phase. <see cref="Run"/> builds the model from the settings' seed,
/// trains it on all the threads given (data-parallel inside each batch, with reductions in a fixed order: the
/// same seed gives the same weights on any thread count), evaluating on the held-out set after every epoch.
/// One step, top to bottom: gather a shuffled batch → forward → loss → dL/dŷ → backward → optimizer step.
/// Buffers are allocated in the first epoch and reused, so steady-state steps allocate nothing.
/// </summary>
public sealed class Trainer
{
    private readonly Model _model;
    private readonly Loss _loss;
    private readonly Optimizer _optimizer;
    private readonly TrainSettings _settings;
    private readonly RandomState _rng;
    private readonly Dictionary<int, (Tensor Batch, Tensor Grad)> _batches = [];

    private Trainer(Model model, Optimizer optimizer, TrainSettings settings, RandomState rng) =>
        (_model, _loss, _optimizer, _settings, _rng) = (model, settings.Loss.Create(), optimizer, settings, rng);

    /// <summary>Trains a fresh model on <paramref name="train"/>, evaluating on <paramref name="test"/> after every epoch, and scores it by test MSE.</summary>
    /// <param name="built">Called with the freshly built model before training starts (to describe it).</param>
    public static TrainResult Run(TrainSettings settings, Dataset train, Dataset test, Action<TrainingProgress>? progress = null,
                                  CancellationToken cancel = default, Action<Autoencoder>? built = null)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var spec = settings.Model.For(train.SampleShape);
        var rng = new RandomState(settings.Seed);
        var model = spec.Build(rng);
        built?.Invoke(model);
        using var workers = settings.Threads > 1 ? new WorkerPool(settings.Threads) : null;
        model.Workers = workers ?? WorkerPool.Serial;
        try
        {
            var trainer = new Trainer(model, settings.Optimizer.Create(model.Parameters), settings, rng);
            var (status, epochs, message) = trainer.Fit(train, test, progress, cancel);
            double testMse = status == RunStatus.Diverged ? double.NaN : trainer.Evaluate(test, new MSELoss());
            double trainSeconds = epochs.Sum(e => e.TrainSeconds);
            double imagesPerSecond = trainSeconds > 0 ? epochs.Count * (double)train.Count / trainSeconds : double.NaN;
            return new TrainResult(model, spec, status, epochs, message, testMse, imagesPerSecond, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            model.Workers = WorkerPool.Serial;
        }
    }

    private (RunStatus Status, List<EpochRecord> Epochs, string? Message) Fit(Dataset train, Dataset? validation, Action<TrainingProgress>? progress,
                                                                               CancellationToken cancel)
    {
        if (train.Count == 0) throw new ArgumentException("the training set is empty");
        var order = new int[train.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        int batchSize = _settings.BatchSize, epochs = _settings.Epochs;
        int batches = (train.Count + batchSize - 1) / batchSize;
        var history = new List<EpochRecord>(epochs);
        var clock = new Stopwatch();
        var schedule = _settings.Schedule?.Create(_optimizer, epochs);
        var stopping = _settings.EarlyStopping is { } patience ? new EarlyStopping(patience) : null;

        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            clock.Restart();
            if (_settings.Shuffle) _rng.Shuffle(order);
            _model.Train();
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                if (cancel.IsCancellationRequested) return (RunStatus.Cancelled, history, $"cancelled in epoch {epoch}");
                int start = b * batchSize, size = Math.Min(batchSize, train.Count - start);
                var (x, grad) = BuffersFor(size, train.FeatureCount);
                for (int i = 0; i < size; i++) train.Features.Row(order[start + i]).CopyTo(x.Row(i));

                _optimizer.ZeroGrad();
                var y = _model.Forward(x);
                double batchLoss = _loss.Forward(y, x);
                if (!double.IsFinite(batchLoss)) return (RunStatus.Diverged, history, $"loss became {batchLoss} in epoch {epoch}, batch {b + 1}");
                _loss.Backward(y, x, grad);
                _model.Backward(grad);
                _optimizer.Step();
                // Weighted by batch size, so the epoch loss is the mean over samples (as Keras reports it).
                lossSum += batchLoss * size;

                if (b < batches - 1) progress?.Invoke(new TrainingProgress(epoch, epochs, b + 1, batches, null));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            double evalLoss = validation is null ? double.NaN : Evaluate(validation, _loss);
            var record = new EpochRecord(epoch, lossSum / train.Count, evalLoss, clock.Elapsed.TotalSeconds, trainSeconds, _optimizer.LearningRate);
            history.Add(record);
            progress?.Invoke(new TrainingProgress(epoch, epochs, batches, batches, record));
            if (validation is not null && !double.IsFinite(evalLoss))
                return (RunStatus.Diverged, history, $"validation loss became {evalLoss} in epoch {epoch}");
            // Schedules and early stopping watch the evaluation loss, or the training loss when there is none.
            double watched = validation is null ? record.TrainLoss : evalLoss;
            schedule?.Step(watched);
            if (stopping?.Step(watched) == true)
                return (RunStatus.Completed, history, $"stopped early after epoch {epoch}: no improvement in {_settings.EarlyStopping} epochs");
        }
        return (RunStatus.Completed, history, null);
    }

    // Mean loss over a dataset (reconstruction of itself), in eval mode.
    private double Evaluate(Dataset data, Loss metric)
    {
        _model.Eval();
        double sum = 0;
        for (int start = 0; start < data.Count; start += _settings.BatchSize)
        {
            int size = Math.Min(_settings.BatchSize, data.Count - start);
            var (x, _) = BuffersFor(size, data.FeatureCount);
            data.Features.Data.AsSpan(start * data.FeatureCount, size * data.FeatureCount).CopyTo(x.Data);
            sum += metric.Forward(_model.Forward(x), x) * size;
        }
        _model.Train();
        return sum / data.Count;
    }

    private (Tensor Batch, Tensor Grad) BuffersFor(int size, int features)
    {
        if (!_batches.TryGetValue(size, out var buffers))
        {
            int[] shape = [size, .. _model.InputShape];
            if (Tensor.ElementCount(_model.InputShape) != features)
                throw new ArgumentException($"the model takes {Tensor.ElementCount(_model.InputShape)} features per sample, the data has {features}");
            _batches[size] = buffers = (new Tensor(shape), new Tensor(shape));
        }
        return buffers;
    }
}
