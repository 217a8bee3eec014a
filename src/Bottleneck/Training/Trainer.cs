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
    private readonly Autoencoder _model;
    private readonly Loss _loss;
    private readonly Optimizer _optimizer;
    private readonly TrainSettings _settings;
    private readonly RandomState _rng;
    private readonly TrainingState _state;
    private readonly Dictionary<int, (Tensor Batch, Tensor Grad, Tensor Input)> _batches = [];
    private readonly RandomState _corruptions = new(0);
    private readonly VariationalStep? _variational;
    private readonly TrainingProfiler? _profiler;
    private readonly WorkerPool _workers;

    private Trainer(Autoencoder model, Optimizer optimizer, TrainSettings settings, RandomState rng, TrainingState state, WorkerPool workers)
    {
        (_model, _loss, _optimizer, _settings, _rng, _state, _workers) = (model, settings.Loss.Create(), optimizer, settings, rng, state, workers);
        if (model.Variational) _variational = new VariationalStep(model, _loss, settings.Seed);
        if (settings.Profile) _profiler = new TrainingProfiler(model);
    }

    /// <summary>
    /// Trains a fresh model on <paramref name="train"/>, evaluating on <paramref name="test"/> after every epoch, and scores it
    /// by test MSE; or, given <paramref name="resume"/>, goes on from that state to <see cref="TrainSettings.Epochs"/> epochs in
    /// all, with exactly the numbers an uninterrupted run gives (the settings must be those the state was trained with).
    /// </summary>
    /// <param name="built">Called with the freshly built model before training starts (to describe it).</param>
    /// <param name="epochEnded">Called with the run's state at the end of every epoch it trains, to save it.</param>
    /// <param name="settings">What to train and how.</param>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set, evaluated after every epoch.</param>
    /// <param name="progress">Called after every batch and epoch.</param>
    /// <param name="cancel">Stops after the batch in progress; the result is marked cancelled.</param>
    /// <param name="resume">The state to go on from; null trains a fresh model.</param>
    public static TrainResult Run(TrainSettings settings, Dataset train, Dataset test, Action<TrainingProgress>? progress = null,
                                  CancellationToken cancel = default, Action<Autoencoder>? built = null, TrainingState? resume = null,
                                  Action<TrainingState>? epochEnded = null)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var spec = resume?.Spec ?? settings.Model.For(train.SampleShape);
        if (!spec.Variational && (settings.Beta != 1 || settings.KlWarmup != 0))
            throw new SettingException(settings.Beta != 1 ? "beta" : "kl-warmup", "is for variational models (vae-lab, vae-dense, or variational: true in a model file)");
        if (spec.Variational && settings.CodeL1 > 0)
            throw new SettingException("code-l1", "is for plain autoencoders; a variational model's KL term already pulls its code towards N(0, I)");
        var rng = new RandomState(settings.Seed);
        var model = spec.Build(rng);
        built?.Invoke(model);
        using var workers = settings.Threads > 1 ? new WorkerPool(settings.Threads) : null;
        model.Workers = workers ?? WorkerPool.Serial;
        try
        {
            var optimizer = settings.Optimizer.Create(model.Parameters);
            var state = new TrainingState(spec, resume?.PlannedEpochs ?? settings.Horizon ?? settings.Epochs, model, optimizer);
            var trainer = new Trainer(model, optimizer, settings, rng, state, workers ?? WorkerPool.Serial);
            var (status, epochs, message) = trainer.Fit(train, test, progress, cancel, resume, epochEnded);
            var profile = trainer._profiler?.Result(settings.Threads);
            double testMse = status == RunStatus.Diverged ? double.NaN : trainer.Evaluate(test, new MSELoss());
            double? nearZero = settings.CodeL1 > 0 && status != RunStatus.Diverged ? trainer.NearZeroCodes(test) : null;
            // Over the whole history: a resumed run's earlier epochs count with the times they took.
            double trainSeconds = epochs.Sum(e => e.TrainSeconds);
            double imagesPerSecond = trainSeconds > 0 ? epochs.Count * (double)train.Count / trainSeconds : double.NaN;
            double seconds = clock.Elapsed.TotalSeconds + (resume?.History.Sum(e => e.Seconds) ?? 0);
            return new TrainResult(model, spec, status, epochs, message, testMse, imagesPerSecond, seconds)
            {
                State = state, CodeNearZeroFraction = nearZero, Profile = profile,
            };
        }
        finally
        {
            model.Workers = WorkerPool.Serial;
        }
    }

    private (RunStatus Status, List<EpochRecord> Epochs, string? Message) Fit(Dataset train, Dataset? validation, Action<TrainingProgress>? progress,
                                                                               CancellationToken cancel, TrainingState? resume,
                                                                               Action<TrainingState>? epochEnded)
    {
        if (train.Count == 0) throw new ArgumentException("the training set is empty");
        var order = new int[train.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        int batchSize = _settings.BatchSize, epochs = _settings.Epochs;
        int batches = (train.Count + batchSize - 1) / batchSize;
        var history = new List<EpochRecord>(epochs);
        var clock = new Stopwatch();
        var schedule = _settings.Schedule?.Create(_optimizer, _state.PlannedEpochs);
        var stopping = _settings.EarlyStopping is { } patience ? new EarlyStopping(patience) : null;
        // Schedules and early stopping watch the evaluation loss, or the training loss when there is none.
        double Watched(EpochRecord r) => validation is null ? r.TrainLoss : r.EvalLoss;

        string? stoppedEarly = null;
        if (resume is not null)
        {
            // What is a function of the seed and the history is replayed; the rest is restored (see TrainingState).
            foreach (var record in resume.History)
            {
                if (_settings.Shuffle) _rng.Shuffle(order);
                history.Add(record);
                schedule?.Step(Watched(record));
                if (stopping?.Step(Watched(record)) == true) stoppedEarly ??= StoppedEarly(record.Epoch);
            }
            resume.Restore(_model, _optimizer);
        }
        _state.Capture(history.Count, _model, _optimizer, history);
        if (stoppedEarly is not null) return (RunStatus.Completed, history, stoppedEarly);

        var scratch = _settings.Denoise?.Scratch(train.ImageShape, train.FeatureCount) ?? [];
        for (int epoch = history.Count + 1; epoch <= epochs; epoch++)
        {
            clock.Restart();
            if (_settings.Shuffle) _rng.Shuffle(order);
            if (_settings.Denoise is not null) _corruptions.Reseed(RandomState.Derive(_settings.Seed, $"denoise/epoch {epoch}"));
            _variational?.Reseed(epoch);
            double beta = _settings.KlWarmup > 0 ? _settings.Beta * Math.Min(1.0, (double)epoch / _settings.KlWarmup) : _settings.Beta;
            _model.Train();
            double lossSum = 0, reconstructionSum = 0, klSum = 0;
            _profiler?.Attach();
            for (int b = 0; b < batches; b++)
            {
                if (cancel.IsCancellationRequested) return (RunStatus.Cancelled, history, $"cancelled in epoch {epoch}");
                _profiler?.StartStep();
                int start = b * batchSize, size = Math.Min(batchSize, train.Count - start);
                var (x, grad, input) = BuffersFor(size, train.FeatureCount);
                RowGather.Gather(train.Features, order, start, x, _workers);
                // A denoising run sees its batch corrupted afresh and is scored against the clean one.
                if (_settings.Denoise is { } denoise)
                {
                    x.Span.CopyTo(input.Span);
                    denoise.CorruptInPlace(input.Span, size, train.ImageShape, _corruptions, scratch);
                }

                _optimizer.ZeroGrad();
                _profiler?.BatchReady();
                double batchLoss;
                if (_variational is not null)
                {
                    var (reconstruction, kl) = _variational.Step(input, x, grad, beta);
                    batchLoss = reconstruction + beta * kl;
                    if (!double.IsFinite(batchLoss)) return (RunStatus.Diverged, history, $"loss became {batchLoss} in epoch {epoch}, batch {b + 1}");
                    (reconstructionSum, klSum) = (reconstructionSum + reconstruction * size, klSum + kl * size);
                }
                else
                {
                    var code = _model.Encoder.Forward(input);                  // z: [B, d]
                    var y = _model.Decoder.Forward(code);                      // x̂: [B, ...]
                    batchLoss = _loss.ForwardBackward(y, x, grad, _workers);    // and dL/dx̂ into grad
                    if (_settings.CodeL1 > 0) batchLoss += CodeL1.Forward(code, _settings.CodeL1);
                    if (!double.IsFinite(batchLoss)) return (RunStatus.Diverged, history, $"loss became {batchLoss} in epoch {epoch}, batch {b + 1}");
                    var dCode = _model.Decoder.Backward(grad, inputGradient: true)!;
                    if (_settings.CodeL1 > 0) CodeL1.Backward(code, dCode, _settings.CodeL1);
                    _model.Encoder.Backward(dCode);
                }
                _profiler?.ModelDone();
                _optimizer.Step();
                _profiler?.StepDone(size);
                // Weighted by batch size, so the epoch loss is the mean over samples (as Keras reports it).
                lossSum += batchLoss * size;

                if (b < batches - 1) progress?.Invoke(new TrainingProgress(epoch, epochs, b + 1, batches, null));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            _profiler?.Detach(trainSeconds);
            EpochRecord record;
            if (_variational is null)
            {
                double evalLoss = validation is null ? double.NaN : Evaluate(validation, _loss);
                record = new EpochRecord(epoch, lossSum / train.Count, evalLoss, clock.Elapsed.TotalSeconds, trainSeconds, _optimizer.LearningRate);
            }
            else
            {
                // The held-out loss is the same objective (reconstruction + β·KL per image) on one ε per image.
                _variational.Reseed(epoch, evaluation: true);
                var (evalReconstruction, evalKl) = validation is null ? (double.NaN, double.NaN)
                    : _variational.Evaluate(validation, _settings.BatchSize, size => BuffersFor(size, validation.FeatureCount).Batch);
                double reconstruction = reconstructionSum / train.Count, kl = klSum / train.Count;
                record = new EpochRecord(epoch, lossSum / train.Count, evalReconstruction + beta * evalKl, clock.Elapsed.TotalSeconds, trainSeconds,
                                         _optimizer.LearningRate, reconstruction, kl, reconstruction + kl, evalReconstruction + evalKl);
            }
            history.Add(record);
            _profiler?.Evaluated(record.Seconds - record.TrainSeconds);
            progress?.Invoke(new TrainingProgress(epoch, epochs, batches, batches, record));
            if (validation is not null && !double.IsFinite(record.EvalLoss))
                return (RunStatus.Diverged, history, $"validation loss became {record.EvalLoss} in epoch {epoch}");
            schedule?.Step(Watched(record));
            bool stop = stopping?.Step(Watched(record)) == true;
            _state.Capture(epoch, _model, _optimizer, history);
            epochEnded?.Invoke(_state);
            if (stop) return (RunStatus.Completed, history, StoppedEarly(epoch));
        }
        return (RunStatus.Completed, history, null);
    }

    private string StoppedEarly(int epoch) => $"stopped early after epoch {epoch}: no improvement in {Plural.Count(_settings.EarlyStopping ?? 0, "epoch")}";

    // Mean loss over a dataset (reconstruction of itself), in eval mode.
    private double Evaluate(Dataset data, Loss metric)
    {
        _model.Eval();
        double sum = 0;
        for (int start = 0; start < data.Count; start += _settings.BatchSize)
        {
            int size = Math.Min(_settings.BatchSize, data.Count - start);
            var (x, _, _) = BuffersFor(size, data.FeatureCount);
            data.Features.Data.AsSpan(start * data.FeatureCount, size * data.FeatureCount).CopyTo(x.Data);
            sum += metric.Forward(_model.Forward(x), x) * size;
        }
        _model.Train();
        return sum / data.Count;
    }

    // A sparse run's result: the share of near-zero values in the codes of the test set, in eval mode.
    private double NearZeroCodes(Dataset data)
    {
        _model.Eval();
        long zeros = 0, values = 0;
        for (int start = 0; start < data.Count; start += _settings.BatchSize)
        {
            int size = Math.Min(_settings.BatchSize, data.Count - start);
            var (x, _, _) = BuffersFor(size, data.FeatureCount);
            data.Features.Data.AsSpan(start * data.FeatureCount, size * data.FeatureCount).CopyTo(x.Data);
            var code = _model.Encode(x);
            zeros += CodeL1.CountNearZero(code.Span);
            values += code.Length;
        }
        _model.Train();
        return (double)zeros / values;
    }

    // The batch, its loss gradient, and the model's input: the batch itself, or for a denoising run its corrupted copy.
    private (Tensor Batch, Tensor Grad, Tensor Input) BuffersFor(int size, int features)
    {
        if (!_batches.TryGetValue(size, out var buffers))
        {
            int[] shape = [size, .. _model.InputShape];
            if (Tensor.ElementCount(_model.InputShape) != features)
                throw new ArgumentException($"the model takes {Tensor.ElementCount(_model.InputShape)} features per sample, the data has {features}");
            var batch = new Tensor(shape);
            _batches[size] = buffers = (batch, new Tensor(shape), _settings.Denoise is null ? batch : new Tensor(shape));
        }
        return buffers;
    }
}
