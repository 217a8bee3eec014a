using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// Minibatch training of an autoencoder (the target is the input). One step, top to bottom:
/// gather a shuffled batch → forward → loss → dL/dŷ → backward → optimizer step.
/// Buffers are allocated on the first epoch and reused, so steady-state steps allocate nothing.
/// </summary>
public sealed class Trainer(Model model, Loss loss, Optimizer optimizer, TrainingOptions options, RandomState rng)
{
    private readonly Dictionary<int, (Tensor Batch, Tensor Grad)> _batches = [];

    public TrainingResult Fit(Dataset train, Dataset? validation, Action<TrainingProgress>? progress = null,
                              CancellationToken cancel = default)
    {
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("the training set is empty");
        var order = new int[train.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var history = new List<EpochRecord>(options.Epochs);
        var clock = new Stopwatch();
        var schedule = options.Schedule is null ? null : Schedules.ScheduleSpec.Parse(options.Schedule).Create(optimizer, options.Epochs);
        var stopping = options.EarlyStopping is { } patience ? new EarlyStopping(patience) : null;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            clock.Restart();
            if (options.Shuffle) rng.Shuffle(order);
            model.Training = true;
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                if (cancel.IsCancellationRequested)
                    return new TrainingResult(RunStatus.Cancelled, history, $"cancelled in epoch {epoch}");
                int start = b * options.BatchSize, size = Math.Min(options.BatchSize, train.Count - start);
                var (x, grad) = BuffersFor(size, train.FeatureCount);
                for (int i = 0; i < size; i++) train.Features.Row(order[start + i]).CopyTo(x.Row(i));

                optimizer.ZeroGrad();
                var y = model.Forward(x);
                double batchLoss = loss.Forward(y, x);
                if (!double.IsFinite(batchLoss))
                    return new TrainingResult(RunStatus.Diverged, history, $"loss became {batchLoss} in epoch {epoch}, batch {b + 1}");
                loss.Backward(y, x, grad);
                model.Backward(grad);
                optimizer.Step();
                // Weighted by batch size, so the epoch loss is the mean over samples (as Keras reports it).
                lossSum += batchLoss * size;

                if (b < batches - 1) progress?.Invoke(new TrainingProgress(epoch, options.Epochs, b + 1, batches, null));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            double valLoss = validation is null ? double.NaN : Evaluate(validation, loss);
            var record = new EpochRecord(epoch, lossSum / train.Count, valLoss, clock.Elapsed.TotalSeconds, trainSeconds, optimizer.LearningRate);
            history.Add(record);
            progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batches, batches, record));
            if (validation is not null && !double.IsFinite(valLoss))
                return new TrainingResult(RunStatus.Diverged, history, $"validation loss became {valLoss} in epoch {epoch}");
            // Schedules and early stopping watch the validation loss, or the training loss when there is none.
            double watched = validation is null ? record.TrainLoss : valLoss;
            schedule?.Step(watched);
            if (stopping?.Step(watched) == true)
                return new TrainingResult(RunStatus.Completed, history, $"stopped early after epoch {epoch}: no improvement in {options.EarlyStopping} epochs");
        }
        return new TrainingResult(RunStatus.Completed, history, null);
    }

    /// <summary>Mean loss over a dataset (reconstruction of itself), in eval mode.</summary>
    public double Evaluate(Dataset data, Loss metric)
    {
        model.Training = false;
        double sum = 0;
        for (int start = 0; start < data.Count; start += options.BatchSize)
        {
            int size = Math.Min(options.BatchSize, data.Count - start);
            var (x, _) = BuffersFor(size, data.FeatureCount);
            data.Features.Data.AsSpan(start * data.FeatureCount, size * data.FeatureCount).CopyTo(x.Data);
            sum += metric.Forward(model.Forward(x), x) * size;
        }
        model.Training = true;
        return sum / data.Count;
    }

    private (Tensor Batch, Tensor Grad) BuffersFor(int size, int features)
    {
        if (!_batches.TryGetValue(size, out var buffers))
        {
            int[] shape = [size, .. model.InputShape];
            if (Tensor.ElementCount(model.InputShape) != features)
                throw new ArgumentException($"the model takes {Tensor.ElementCount(model.InputShape)} features per sample, the data has {features}");
            _batches[size] = buffers = (new Tensor(shape), new Tensor(shape));
        }
        return buffers;
    }
}
