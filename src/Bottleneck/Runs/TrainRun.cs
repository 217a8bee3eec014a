using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Losses;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Schedules;
using Bottleneck.Training;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck train</c> does: one model, trained on a dataset's training split and tested on its test split.</summary>
public sealed record TrainRunSettings(DataSource Data, TrainSettings Training)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Data.Validate();
        Training.Validate();
    }
}

/// <summary>
/// What <c>train --resume DIR</c> does: goes on with the run in <paramref name="Directory"/> from its last saved epoch, with the
/// settings it was started with, to <paramref name="Epochs"/> epochs in all (null: the epochs it was started with).
/// <paramref name="Threads"/> and <paramref name="DataDir"/> change nothing in the numbers, so they may differ from the start's.
/// </summary>
public sealed record TrainResumeSettings(string Directory, int? Epochs = null, int? Threads = null, string? DataDir = null);

/// <summary>How a training run went, and where its files are.</summary>
public sealed record TrainRunResult(string Directory, TrainResult Training, TrainReport.Results Results);

/// <summary>
/// Trains one model and writes its run directory: model.safetensors (unless it diverged; PyTorch's state_dict names,
/// the architecture and training settings in its metadata), training-state.safetensors (the run at its last finished
/// epoch, saved after the first epoch, every <see cref="StateSaveInterval"/> and at the end, so that even a killed run
/// resumes), then the report's files (<see cref="TrainReport"/>).
/// </summary>
public static class TrainRun
{
    /// <summary>The model's file in the run directory.</summary>
    public const string CheckpointFile = "model.safetensors";
    /// <summary>The training state's file, for resuming.</summary>
    public const string StateFile = "training-state.safetensors";
    /// <summary>How often the training state is saved at most (always after the last epoch).</summary>
    public static readonly TimeSpan StateSaveInterval = TimeSpan.FromSeconds(10);
    private const string RunKey = "run";

    /// <summary>What a training state records of its run besides the state itself: enough to go on with nothing else.</summary>
    internal sealed record Recorded(DataSource Data, string DataSha256, ModelChoice Model, OptimizerSettings Optimizer, LossFunction Loss, int Epochs,
                                   int BatchSize, bool Shuffle, ScheduleSpec? Schedule, int? EarlyStopping, uint Seed, IReadOnlyList<Invocation> Invocations,
                                   [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Denoising? Denoise = null,
                                   [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double CodeL1 = 0,
                                   [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Beta = null,
                                   [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int KlWarmup = 0)
    {
        public TrainSettings Settings(int epochs, int threads) => new()
        {
            Model = Model, Optimizer = Optimizer, Loss = Loss, Epochs = epochs, BatchSize = BatchSize, Shuffle = Shuffle,
            Schedule = Schedule, EarlyStopping = EarlyStopping, Seed = Seed, Threads = threads, Denoise = Denoise, CodeL1 = CodeL1,
            Beta = Beta ?? 1, KlWarmup = KlWarmup,
        };
    }

    /// <summary>What <c>bottleneck train</c> does: loads the data, trains and writes the run directory.</summary>
    public static TrainRunResult Execute(TrainRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var (train, test) = settings.Data.Load(settings.Training.Seed, context.Observer.Data);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("train", started, TrainReport.SchemaName);
        return Train(settings.Training, train, test, settings.Data.Recorded, dir, context.Provenance(started, settings.Training.Threads), "train",
                     context.Observer, context.Cancel);
    }

    /// <summary>
    /// Goes on with a cancelled, killed or finished run from its training state, as if it had never stopped: the same seed and
    /// settings give the same weights as one uninterrupted run (a cosine schedule keeps the horizon it started with). The
    /// directory's files are rewritten; its provenance keeps the command that started it and lists this one after it.
    /// </summary>
    public static TrainRunResult Resume(TrainResumeSettings settings, RunContext context)
    {
        string path = Path.Combine(settings.Directory, StateFile);
        if (!File.Exists(path))
            throw new SettingException("resume", !Directory.Exists(settings.Directory) ? $"{settings.Directory} does not exist"
                : File.Exists(Path.Combine(settings.Directory, HtmlReport.ResultsFile))
                    ? $"{settings.Directory} has no {StateFile} (a run that diverged before its first epoch ended, or one made by an older version); train it again"
                    : $"{settings.Directory} holds no training run ({StateFile} is missing)");
        var (state, metadata) = TrainingStateFile.Load(path);
        var record = Read(path, metadata);
        int epochs = settings.Epochs ?? record.Epochs;
        if (epochs <= state.Epoch)
            throw new SettingException("epochs", $"must be more than {state.Epoch}: {settings.Directory} has trained {Plural.Count(state.Epoch, "epoch")} already" +
                                                 (settings.Epochs is null ? " (all it was started with); give more to train it longer" : ""));
        if (record.EarlyStopping is { } patience && StoppedAt(state.History, patience) is { } stopped)
            throw new SettingException("resume", $"{settings.Directory} stopped early after epoch {stopped} (no improvement in {Plural.Count(patience, "epoch")}); it would stop again at once");
        var training = record.Settings(epochs, settings.Threads ?? Environment.ProcessorCount);
        training.Validate();
        var data = record.Data with { DataDir = settings.DataDir };
        var (train, test) = data.Load(record.Seed, context.Observer.Data);
        if (Checksums.Sha256(train.Features.Data) != record.DataSha256)
            throw new SettingException("resume", $"the training data of {data.Dataset} is not what {settings.Directory} was trained on (it changed since); train it again");
        var started = DateTimeOffset.Now;
        var dir = (context with { Out = settings.Directory }).CreateDirectory("train", started, TrainReport.SchemaName, continues: StateFile);
        var current = context.Provenance(started, training.Threads);
        var provenance = Provenance.Of([.. record.Invocations, current.AsInvocation()], current);
        return Train(training, train, test, data.Recorded, dir, provenance, "train", context.Observer, context.Cancel, state);
    }

    /// <summary>Trains and writes <paramref name="dir"/>: what <see cref="Execute"/>, <see cref="Resume"/> and a pipeline's train phase do once their data is loaded.</summary>
    /// <param name="source">The dataset as it can be named again (<see cref="DataSource.Recorded"/>).</param>
    /// <param name="resume">The state to go on from; null trains a fresh model.</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    /// <param name="dir">The run directory.</param>
    /// <param name="provenance">Who runs it and how.</param>
    /// <param name="label">The model's name in progress messages.</param>
    /// <param name="observer">Told of progress.</param>
    /// <param name="cancel">Stops training after the batch in progress.</param>
    internal static TrainRunResult Train(TrainSettings settings, Dataset train, Dataset test, string source, RunDirectory dir, Provenance provenance, string label,
                                       IRunObserver observer, CancellationToken cancel, TrainingState? resume = null)
    {
        void Built(Autoencoder model) => observer.TrainingStarted(new TrainingPlan([label], settings.Epochs, train.Count, test.Count, train.Name,
            $"{settings.Model.Name} model, {model.ParameterCount:N0} parameters, code size {model.CodeSize}", settings.Threads, ResumedEpochs: resume?.Epoch ?? 0));

        var record = Record(settings, train, test, source) with { Invocations = provenance.Invocations() };
        var stateMetadata = new Dictionary<string, string> { [RunKey] = Json.Compact(record, RunsJson.Default), ["bottleneck_version"] = Provenance.Version };
        var sinceSave = (Stopwatch?)null;
        void EpochEnded(TrainingState state)
        {
            if (sinceSave is not null && sinceSave.Elapsed < StateSaveInterval) return;
            TrainingStateFile.Save(dir.File(StateFile), state, stateMetadata);
            sinceSave = Stopwatch.StartNew();
        }

        var result = Trainer.Run(settings, train, test, p => observer.Training(label, p), cancel, Built, resume, EpochEnded);
        (IReadOnlyList<float[]>, IReadOnlyList<float[]>)? examples = null;
        if (result.Status != RunStatus.Diverged)
        {
            Checkpoint.Save(dir.File(CheckpointFile), result.Model, result.Spec, new Dictionary<string, string>
            {
                ["training"] = Json.Compact(TrainReport.Settings.Of(settings, result.Spec, train, test, source), ReportsJson.Default),
                ["test_mse"] = result.TestMse.ToString("R", CultureInfo.InvariantCulture),
                ["bottleneck_version"] = Provenance.Version,
            });
            if (result.State is { } state) TrainingStateFile.Save(dir.File(StateFile), state, stateMetadata);
            examples = Reconstructions.Of(result.Model, test, TrainReport.ExampleImages);
        }
        var results = TrainReport.Write(dir, settings, train, test, source, result, provenance, examples);
        return new TrainRunResult(dir.Path, result, results);
    }

    /// <summary>
    /// The state in <paramref name="dir"/> that a run of exactly these settings on exactly this data can go on from (a
    /// pipeline's train phase that was interrupted); null when there is none, it is damaged, or it is another run's.
    /// </summary>
    internal static TrainingState? ResumableState(RunDirectory dir, TrainSettings settings, Dataset train, Dataset test, string source)
    {
        string path = dir.File(StateFile);
        if (!File.Exists(path)) return null;
        try
        {
            var (state, metadata) = TrainingStateFile.Load(path);
            var recorded = Read(path, metadata) with { Invocations = [] };
            bool same = Json.Compact(recorded, RunsJson.Default) == Json.Compact(Record(settings, train, test, source), RunsJson.Default);
            return same && state.Epoch < settings.Epochs ? state : null;
        }
        catch (DataFormatException)
        {
            return null;
        }
    }

    private static Recorded Record(TrainSettings settings, Dataset train, Dataset test, string source) =>
        new(new DataSource(source, Limit: train.Count, TestLimit: test.Count), Checksums.Sha256(train.Features.Data), settings.Model, settings.Optimizer, settings.Loss,
            settings.Epochs, settings.BatchSize, settings.Shuffle, settings.Schedule, settings.EarlyStopping, settings.Seed, [], settings.Denoise, settings.CodeL1,
            settings.Beta != 1 ? settings.Beta : null, settings.KlWarmup);

    private static Recorded Read(string path, IReadOnlyDictionary<string, string> metadata)
    {
        try
        {
            return metadata.TryGetValue(RunKey, out var json) ? Json.Deserialize<Recorded>(json, RunsJson.Default)
                : throw new DataFormatException($"{path} does not record the run's settings; it cannot be resumed");
        }
        catch (Exception e) when (e is JsonException or SettingException)
        {
            throw new DataFormatException($"{path}: the run's settings in its metadata are not readable ({e.Message})");
        }
    }

    // The epoch early stopping stopped at, replayed from the history (train watches the test loss); null if it did not.
    private static int? StoppedAt(IReadOnlyList<EpochRecord> history, int patience)
    {
        var stopping = new EarlyStopping(patience);
        foreach (var record in history)
            if (stopping.Step(record.EvalLoss)) return record.Epoch;
        return null;
    }

}
