using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Bottleneck.Data;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Search;
using Bottleneck.Training;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck optimizers</c> does: study A's protocol (or any variant of it) on a dataset, pooled and split by the study itself.</summary>
public sealed record OptimizersRunSettings(string Dataset, string? DataDir, OptimizerStudySettings Study)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new SettingException("dataset", "is empty");
        Study.Validate();
    }
}

/// <summary>
/// What <c>optimizers --resume DIR</c> does: goes on with the study in <paramref name="Directory"/>, every run from its
/// last saved epoch (a finished run is restored, not trained again), to <paramref name="Epochs"/> epochs (null: as started).
/// </summary>
public sealed record OptimizersResumeSettings(string Directory, int? Epochs = null, int? Threads = null, string? DataDir = null);

/// <summary>How the study went, where its files are, and whether its numbers are comparable with the published ones.</summary>
public sealed record OptimizersRunResult(string Directory, OptimizerStudyResult Study, OptimizerStudyReport.Results Results, bool IsStudyA);

/// <summary>
/// Study A: every optimizer trains the same autoencoder from the same weights; the run directory holds the ranking, curves
/// and report, the study's settings (<see cref="SettingsFile"/>, written first) and each run's training state in
/// <c>states/</c> (after its first epoch, every <see cref="TrainRun.StateSaveInterval"/> and at its end), so that an
/// interrupted or killed study resumes.
/// </summary>
public static class OptimizersRun
{
    /// <summary>The file in the run directory that records what a resume needs.</summary>
    public const string SettingsFile = "optimizers-run.json";
    private const string StatesFolder = "states";

    // What the study was started with, and by whom: enough to go on with nothing else.
    internal sealed record Recorded(string Dataset, string DataSha256, OptimizerStudySettings Study, IReadOnlyList<Invocation> Invocations);

    /// <summary>What <c>bottleneck optimizers</c> does: loads the data, runs the study and writes the run directory.</summary>
    public static OptimizersRunResult Execute(OptimizersRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var data = DatasetCatalog.Load(settings.Dataset, settings.DataDir, log: context.Observer.Data);
        // Everything that can be wrong with the input is found before the run directory exists.
        OptimizerComparison.Prepare(settings.Study, data);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("optimizers", started, OptimizerStudyReport.SchemaName);
        var provenance = context.Provenance(started, settings.Study.Threads);
        var record = new Recorded(new DataSource(settings.Dataset).Recorded, Checksums.Sha256(data.Features.Data), settings.Study, provenance.Invocations());
        dir.WriteText(SettingsFile, Json.Serialize(record, RunsJson.Default));
        return Study(settings.Study, settings.Dataset, data, dir, provenance, record, context);
    }

    /// <summary>Goes on with an interrupted, killed or finished study; its numbers are those one uninterrupted study gives.</summary>
    public static OptimizersRunResult Resume(OptimizersResumeSettings settings, RunContext context)
    {
        string path = Path.Combine(settings.Directory, SettingsFile);
        if (!File.Exists(path))
            throw new SettingException("resume", Directory.Exists(settings.Directory) ? $"{settings.Directory} holds no optimizer study ({SettingsFile} is missing)"
                                                                                     : $"{settings.Directory} does not exist");
        Recorded record;
        try
        {
            record = Json.Deserialize<Recorded>(InputFile.ReadText(path, "optimizer study's settings", 1 << 20), RunsJson.Default);
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path} is not readable ({e.Message})");
        }
        var study = record.Study with { Epochs = settings.Epochs ?? record.Study.Epochs, Threads = settings.Threads ?? Environment.ProcessorCount };
        study.Validate();
        var data = DatasetCatalog.Load(record.Dataset, settings.DataDir, log: context.Observer.Data);
        if (Checksums.Sha256(data.Features.Data) != record.DataSha256)
            throw new SettingException("resume", $"the data of {record.Dataset} is not what {settings.Directory} was started on (it changed since); start the study again");
        var started = DateTimeOffset.Now;
        var dir = (context with { Out = settings.Directory }).CreateDirectory("optimizers", started, OptimizerStudyReport.SchemaName, continues: SettingsFile);
        var current = context.Provenance(started, study.Threads);
        var provenance = Reports.Provenance.Of([.. record.Invocations, current.AsInvocation()], current);
        record = record with { Invocations = provenance.Invocations() };
        dir.WriteText(SettingsFile, Json.Serialize(record, RunsJson.Default));
        return Study(study, record.Dataset, data, dir, provenance, record, context, resume: true);
    }

    private static OptimizersRunResult Study(OptimizerStudySettings s, string dataset, Dataset data, RunDirectory dir, Provenance provenance, Recorded record,
                                             RunContext context, bool resume = false)
    {
        var (train, test, summary) = OptimizerComparison.Prepare(s, data);
        var labels = (from r in Enumerable.Range(0, s.Repeats) from o in s.Optimizers select Label(o, r, s.Repeats)).ToList();
        var states = RunContext.CreateDirectory(dir.File(StatesFolder));
        string StatePath(string optimizer, int repeat) => states.File($"{optimizer}-{repeat + 1}.safetensors");
        var metadata = new Dictionary<string, string> { ["study"] = Json.Compact(record with { Invocations = [] }, RunsJson.Default) };

        TrainingState? Saved(string optimizer, int repeat)
        {
            string path = StatePath(optimizer, repeat);
            if (!resume || !File.Exists(path)) return null;
            var state = TrainingStateFile.Load(path).State;
            if (state.Epoch > s.Epochs)
                throw new SettingException("epochs", $"must be at least {state.Epoch}: {OptimizerSettings.DisplayName(optimizer)} has trained {Plural.Count(state.Epoch, "epoch")} already");
            return state;
        }
        var sinceSave = new ConcurrentDictionary<string, Stopwatch>();
        void EpochEnded(string optimizer, int repeat, TrainingState state)
        {
            string path = StatePath(optimizer, repeat);
            if (sinceSave.TryGetValue(path, out var clock) && clock.Elapsed < TrainRun.StateSaveInterval) return;
            TrainingStateFile.Save(path, state, metadata);
            sinceSave[path] = Stopwatch.StartNew();
        }

        // Every run's saved state is read before any trains, so a damaged one is found at once.
        var saved = s.Optimizers.SelectMany(o => Enumerable.Range(0, s.Repeats).Select(r => (o, r, State: Saved(o, r)))).ToDictionary(x => (x.o, x.r), x => x.State);
        int restored = saved.Values.Sum(v => v?.Epoch ?? 0);
        context.Observer.TrainingStarted(new TrainingPlan(labels, s.Epochs, train.Count, test.Count, data.Name,
                                                          $"dense model, code size {s.CodeSize}", s.Threads, summary, ResumedEpochs: restored));
        var result = OptimizerComparison.Run(s, data, p => context.Observer.Training(Label(p.Optimizer, p.Repeat, s.Repeats), p.Training), context.Cancel,
                                             (o, r) => saved[(o, r)], EpochEnded);
        foreach (var run in result.Runs)
            if (run.Status != RunStatus.Diverged && run.Result.State is { } state) TrainingStateFile.Save(StatePath(run.Optimizer, run.Repeat), state, metadata);
        bool studyA = StudyAReference.Applies(s, dataset);
        var results = OptimizerStudyReport.Write(dir, result, provenance, studyA);
        return new OptimizersRunResult(dir.Path, result, results, studyA);
    }


    /// <summary>"Adam", or "Adam #2" for the second seed when there are several.</summary>
    public static string Label(string optimizer, int repeat, int repeats) =>
        repeats > 1 ? $"{OptimizerSettings.DisplayName(optimizer)} #{repeat + 1}" : OptimizerSettings.DisplayName(optimizer);
}
