using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck run</c> does: every phase of a pipeline file; <paramref name="Jobs"/> and <paramref name="Threads"/> override the file's.</summary>
public sealed record PipelineRunSettings(string File, string? DataDir = null, int? Jobs = null, int? Threads = null)
{
    /// <summary>Where the tune and sweep phases keep their trials (shared with workers); null keeps each in study.db in its phase folder.</summary>
    public StudyStorage? Storage { get; init; }
    /// <summary>With <see cref="Storage"/>: the studies are named NAME/PHASE; null takes the run directory's name for NAME.</summary>
    public string? StudyName { get; init; }
}

/// <summary>Why a pipeline stopped before its last phase.</summary>
public enum PipelineStop
{
    /// <summary>Interrupted (Ctrl-C); finished folds, trials and phases are kept, and running the pipeline again resumes it.</summary>
    Cancelled,
    /// <summary>The train phase's loss became NaN or infinite.</summary>
    Diverged,
    /// <summary>A tune or sweep ended with no completed trial, so the phases that use its best parameters cannot start.</summary>
    NoCompletedTrial,
}

/// <summary>How a pipeline went: its results, and the phase it stopped at and why, when it did not finish.</summary>
public sealed record PipelineRunResult(string Directory, PipelineReport.Results Results, (PhaseSpec Phase, PipelineStop Reason)? Stopped);

/// <summary>
/// Every phase of a pipeline in order, each in its own folder of the run directory, the best parameters of each phase
/// feeding the phases that use them, each phase through the same function as its command. Running it again with the
/// same run directory resumes: tunes and sweeps continue from their study.db, and a train, robustness or embed phase
/// finished with exactly the same settings (recorded last, in finished-with.json; for robustness and embed with the
/// SHA-256 of the model they studied) is kept instead of done again.
/// </summary>
public static class PipelineRun
{
    /// <summary>The file a finished phase records its settings in, so a rerun can keep it.</summary>
    public const string FinishedWithFile = "finished-with.json";

    /// <summary>The copy of the pipeline file a run directory keeps; <c>run --resume DIR</c> runs it again.</summary>
    public const string PipelineFile = "pipeline.yaml";

    /// <summary>What <c>bottleneck run</c> does: runs (or continues) every phase of the pipeline file.</summary>
    public static PipelineRunResult Execute(PipelineRunSettings settings, RunContext context)
    {
        var pipeline = PipelineSpec.Load(settings.File);
        var overrides = new Dictionary<string, string>();
        if (settings.Jobs is { } j) overrides["jobs"] = j.ToString(CultureInfo.InvariantCulture);
        if (settings.Threads is { } t) overrides["threads"] = t.ToString(CultureInfo.InvariantCulture);
        var none = new Dictionary<string, TrialParams>();
        // Every phase's settings and trials are checked before anything runs.
        foreach (var phase in pipeline.Phases) Check(pipeline, phase, overrides, none);
        context.CheckOut();
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("run", started, PipelineReport.SchemaName, continues: PipelineFile);
        if (Path.GetFullPath(settings.File) != Path.GetFullPath(dir.File(PipelineFile))) File.Copy(settings.File, dir.File(PipelineFile), overwrite: true);
        int threads = settings.Threads ?? (pipeline.Shared.TryGetValue("threads", out var shared) && int.TryParse(shared, CultureInfo.InvariantCulture, out int n) ? n : Environment.ProcessorCount);
        // A rerun continues the run: the invocation that started it stays its command, and this one is added to its history.
        var provenance = context.Provenance(started, threads);
        provenance = Provenance.Of([.. Earlier(dir), provenance.AsInvocation()], provenance);

        var bests = new Dictionary<string, TrialParams>();
        var phases = new List<PipelineReport.Phase>();
        (PhaseSpec, PipelineStop)? stopped = null;
        foreach (var phase in pipeline.Phases)
        {
            var values = pipeline.SettingsFor(phase, bests, overrides);
            var (entry, stop) = phase.Kind.StudiesModel() ? (ModelPhase(phase, values, settings.DataDir, dir, provenance, context), null)
                : phase.Kind == PhaseKind.Anomaly ? AnomalyPhase(phase, values, settings.DataDir, dir, provenance, context)
                : StudyOrTrainPhase(phase, values, settings, dir, provenance, context);
            phases.Add(entry);
            context.Observer.PhaseFinished(phase, entry);
            if (stop is { } reason)
            {
                stopped = (phase, reason);
                break;
            }
            if (entry.Best is { } best) bests[phase.Name] = best;
        }
        var results = new PipelineReport.Results(PipelineReport.SchemaName, stopped is null ? "completed" : "incomplete", provenance, phases);
        PipelineReport.Write(dir, results);
        return new PipelineRunResult(dir.Path, results, stopped);
    }

    // A phase's settings as it would run with no best parameters yet: its record validates, its trials parse.
    private static void Check(PipelineSpec pipeline, PhaseSpec phase, IReadOnlyDictionary<string, string> overrides, IReadOnlyDictionary<string, TrialParams> bests)
    {
        var values = pipeline.SettingsFor(phase, bests, overrides);
        var (study, _, _) = Plan(phase, values);
        if (phase.Kind == PhaseKind.Robustness) PipelineSpec.ToRobustnessSettings(values, study, TrainRun.CheckpointFile).Validate();
        if (phase.Kind == PhaseKind.Embed) PipelineSpec.ToEmbedSettings(values, study);
        if (phase.Kind == PhaseKind.Anomaly) AnomalySettings(values, study, new DataSource(study.Dataset)).Validate();
        if (phase.Kind == PhaseKind.Encode) PipelineSpec.ToEncodeSettings(values, study, TrainRun.CheckpointFile, null).Validate();
        if (phase.Kind == PhaseKind.Generate) PipelineSpec.ToGenerateSettings(values, study, TrainRun.CheckpointFile, null).Validate();
    }

    private static (StudySettings Settings, IReadOnlyList<TrialParams> Trials, int? TestLimit) Plan(PhaseSpec phase, IReadOnlyDictionary<string, string> values)
    {
        var settings = PipelineSpec.ToStudySettings(phase.Kind == PhaseKind.Tune ? StudyKind.Tune : StudyKind.Sweep, values);
        settings.Validate();
        IReadOnlyList<TrialParams> trials = phase.Kind switch
        {
            PhaseKind.Tune when values.TryGetValue("grid", out var grid) => SearchSpace.Grid(grid),
            PhaseKind.Tune when values.TryGetValue("random", out var random) =>
                SearchSpace.Random(random, values.TryGetValue("trials", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 20, settings.Seed),
            PhaseKind.Tune => throw new SettingException("grid", $"or random: phase {phase.Name} is a tune, which needs one of them"),
            PhaseKind.Sweep when values.TryGetValue("param", out var param) => SearchSpace.Grid(param),
            PhaseKind.Sweep => throw new SettingException("param", $"is missing: phase {phase.Name} is a sweep, which needs it"),
            _ => [new TrialParams([])],
        };
        int? testLimit = values.TryGetValue("test-limit", out var tl) ? int.Parse(tl, CultureInfo.InvariantCulture) : null;
        return (settings, trials, testLimit);
    }

    private static (PipelineReport.Phase Entry, PipelineStop? Stop) StudyOrTrainPhase(PhaseSpec phase, IReadOnlyDictionary<string, string> values,
                                                                                  PipelineRunSettings pipeline, RunDirectory dir, Provenance provenance, RunContext context)
    {
        string? dataDir = pipeline.DataDir;
        var (settings, trials, testLimit) = Plan(phase, values);
        string folder = dir.File(phase.Name);
        string finishedWith = Json.Serialize(new JsonObject { ["settings"] = settings.ToJson(), ["test_limit"] = testLimit });
        if (phase.Kind == PhaseKind.Train && File.Exists(Path.Combine(folder, TrainRun.CheckpointFile))
            && FinishedPhase(folder, finishedWith) is { } earlier && earlier["test_mse"] is JsonValue mseValue && mseValue.TryGetValue(out double earlierMse))
        {
            context.Observer.Phase(phase, kept: true);
            return (new PipelineReport.Phase(phase.Name, phase.Kind.Name(), phase.Name, Settings: settings.ToJson(), TestMse: earlierMse), null);
        }
        var (train, test) = StudyRun.DataOf(settings, dataDir, testLimit).Load(settings.Seed, context.Observer.Data);
        var phaseDir = RunContext.CreateDirectory(folder);
        context.Observer.Phase(phase, kept: false);
        if (phase.Kind == PhaseKind.Train)
        {
            phaseDir.Delete(FinishedWithFile);
            // The final model: the phase's settings with the best parameters folded in, trained on the whole training set.
            var trainSettings = new TrialRunner(settings, train, test, store: null).SettingsFor(new TrialParams([]), settings.Epochs, settings.Threads)
                with { Seed = settings.Seed };
            string source = StudyRun.DataOf(settings, dataDir, testLimit).Recorded;
            // An interrupted train phase goes on from its last finished epoch when nothing it depends on changed.
            var resume = TrainRun.ResumableState(phaseDir, trainSettings, train, test, source);
            var outcome = TrainRun.Train(trainSettings, train, test, source, phaseDir, provenance, phase.Name, context.Observer, context.Cancel, resume);
            var entry = new PipelineReport.Phase(phase.Name, phase.Kind.Name(), phase.Name, Settings: settings.ToJson(), TestMse: outcome.Training.TestMse);
            if (outcome.Training.Status != Training.RunStatus.Completed)
                return (entry, outcome.Training.Status == Training.RunStatus.Cancelled ? PipelineStop.Cancelled : PipelineStop.Diverged);
            // Written last: its presence says the phase's files are complete and were made with exactly these settings.
            phaseDir.WriteText(FinishedWithFile, finishedWith);
            return (entry, null);
        }
        StudyRun.Check(settings, trials, train, test);
        var store = pipeline.Storage is { } storage
            ? storage.Open($"{pipeline.StudyName ?? Path.GetFileName(Path.GetFullPath(dir.Path))}/{phase.Name}", warn: context.Observer.Warning, cancel: context.Cancel)
            : new SqliteStudyStore(phaseDir.File(StudyRun.StoreFile));
        var result = StudyRun.Run(settings, trials, train, test, store, phaseDir, provenance, verify: false, context.Observer, context.Cancel, testLimit).Study;
        var studied = new PipelineReport.Phase(phase.Name, phase.Kind.Name(), phase.Name, Best: result.Best?.Params, Score: result.Best?.Score);
        return (studied, result.Cancelled ? PipelineStop.Cancelled : result.Best is null ? PipelineStop.NoCompletedTrial : null);
    }

    // An anomaly phase: the one-class protocol with the phase's training settings, in the phase's folder; kept on a rerun
    // when it was finished with exactly the same settings.
    private static (PipelineReport.Phase Entry, PipelineStop? Stop) AnomalyPhase(PhaseSpec phase, IReadOnlyDictionary<string, string> values, string? dataDir,
                                                                              RunDirectory dir, Provenance provenance, RunContext context)
    {
        var (settings, _, testLimit) = Plan(phase, values);
        string folder = dir.File(phase.Name);
        var phaseSettings = SettingsJson(values);
        string finishedWith = Json.Serialize(new JsonObject { ["settings"] = phaseSettings });
        if (FinishedPhase(folder, finishedWith) is not null)
        {
            context.Observer.Phase(phase, kept: true);
            return (Entry(phase, folder), null);
        }
        context.Observer.Phase(phase, kept: false);
        var data = StudyRun.DataOf(settings, dataDir, testLimit);
        var anomaly = AnomalySettings(values, settings, data);
        var prepared = AnomalyRun.Prepare(anomaly, context.Observer);
        var phaseDir = RunContext.CreateDirectory(folder);
        phaseDir.Delete(FinishedWithFile);
        var result = AnomalyRun.Run(anomaly, prepared, phaseDir, provenance, context.Observer, context.Cancel);
        if (result.Results.Status == "cancelled") return (Entry(phase, folder), PipelineStop.Cancelled);
        phaseDir.WriteText(FinishedWithFile, finishedWith);
        return (Entry(phase, folder), null);
    }

    // A phase's settings in key order, as its finished-with.json records them.
    private static JsonObject SettingsJson(IReadOnlyDictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json[key] = value;
        return json;
    }

    // The training settings of an anomaly phase: the phase's settings as a train phase reads them.
    private static AnomalyRunSettings AnomalySettings(IReadOnlyDictionary<string, string> values, StudySettings settings, DataSource data)
    {
        var training = TrialRunner.SettingsFor(settings, new TrialParams([]), settings.Epochs, settings.Threads) with { Seed = settings.Seed };
        return PipelineSpec.ToAnomalySettings(values, settings, data, training);
    }

    // A robustness or embed phase: the model of its train phase, studied by the same functions as the commands, in the phase's folder.
    // Kept on a rerun when it was finished with the same settings on the same model (the train phase may have been retrained).
    private static PipelineReport.Phase ModelPhase(PhaseSpec phase, IReadOnlyDictionary<string, string> values, string? dataDir, RunDirectory dir,
                                                   Provenance provenance, RunContext context)
    {
        string checkpoint = Path.Combine(dir.File(phase.UseModelOf!), TrainRun.CheckpointFile);
        var compared = phase.AlsoModelsOf.Select(m => Path.Combine(dir.File(m), TrainRun.CheckpointFile)).ToList();
        string folder = dir.File(phase.Name);
        var phaseSettings = SettingsJson(values);
        var finished = new JsonObject { ["settings"] = phaseSettings, ["model_sha256"] = Checksums.Sha256OfFile(checkpoint) };
        if (compared.Count > 0)
            finished["compared"] = new JsonArray([.. phase.AlsoModelsOf.Zip(compared, (m, c) => (JsonNode)new JsonObject { ["phase"] = m, ["model_sha256"] = Checksums.Sha256OfFile(c) })]);
        string finishedWith = Json.Serialize(finished);
        if (FinishedPhase(folder, finishedWith) is not null)
        {
            context.Observer.Phase(phase, kept: true);
            return Entry(phase, folder);
        }
        context.Observer.Phase(phase, kept: false);
        var study = PipelineSpec.ToStudySettings(StudyKind.Sweep, values);
        // Everything is checked and loaded before the folder is touched; the study itself runs below.
        Action<RunDirectory> run;
        if (phase.Kind == PhaseKind.Encode)
        {
            var prepared = EncodeRun.Prepare(PipelineSpec.ToEncodeSettings(values, study, checkpoint, dataDir), context.Observer);
            run = d => EncodeRun.Run(prepared, study.Threads, () => d, provenance, context.Observer);
        }
        else if (phase.Kind == PhaseKind.Generate)
        {
            var generate = PipelineSpec.ToGenerateSettings(values, study, checkpoint, dataDir);
            var data = GenerateRun.Prepare(generate, context.Observer);
            run = d => GenerateRun.Run(generate, data, d, provenance);
        }
        else if (phase.Kind == PhaseKind.Robustness)
        {
            var robustnessSettings = PipelineSpec.ToRobustnessSettings(values, study, checkpoint);
            if (compared.Count > 0) robustnessSettings = robustnessSettings with { Compare = compared, Labels = [phase.UseModelOf!, .. phase.AlsoModelsOf] };
            var (robustness, data) = RobustnessRun.Prepare(new RobustnessRunSettings(robustnessSettings, dataDir), context.Observer);
            run = d => RobustnessRun.Run(robustness, data, d, provenance, context.Observer);
        }
        else
        {
            var (embed, samples) = PipelineSpec.ToEmbedSettings(values, study);
            var points = EmbedRun.Prepare(new EmbedRunSettings(embed, checkpoint, null, study.Dataset, dataDir, samples), context.Observer);
            run = d => EmbedRun.Run(embed, points, d, provenance, context.Observer, context.Cancel);
        }
        var phaseDir = RunContext.CreateDirectory(folder);
        phaseDir.Delete(FinishedWithFile);
        run(phaseDir);
        phaseDir.WriteText(FinishedWithFile, finishedWith);
        return Entry(phase, folder);
    }

    // A model phase as the pipeline's results list it: its files, and an embed phase's key numbers.
    private static PipelineReport.Phase Entry(PhaseSpec phase, string folder)
    {
        var entry = new PipelineReport.Phase(phase.Name, phase.Kind.Name(), phase.Name, ModelOf: phase.UseModelOf)
        {
            Files = [.. Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)],
        };
        if (phase.Kind != PhaseKind.Embed) return entry;
        var embed = Json.Deserialize<EmbedReport.Results>(File.ReadAllText(Path.Combine(folder, HtmlReport.ResultsFile)), ReportsJson.Default);
        return entry with
        {
            Method = embed.Method, Samples = embed.Samples, Trustworthiness = embed.Trustworthiness, KnnAccuracy = embed.KnnAccuracy,
            KlDivergence = embed.KlDivergence,
        };
    }

    // The invocations recorded by an earlier run into this directory, if it wrote its results.
    private static IEnumerable<Invocation> Earlier(RunDirectory dir)
    {
        string path = dir.File(HtmlReport.ResultsFile);
        if (!File.Exists(path)) return [];
        try
        {
            var earlier = Json.Deserialize<PipelineReport.Results>(File.ReadAllText(path), ReportsJson.Default).Provenance;
            return earlier?.Command is null ? [] : earlier.Invocations();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    // The results.json of a phase in <paramref name="folder"/> that completed with exactly <paramref name="finishedWith"/>, else null.
    private static JsonObject? FinishedPhase(string folder, string finishedWith)
    {
        string marker = Path.Combine(folder, FinishedWithFile), results = Path.Combine(folder, HtmlReport.ResultsFile);
        if (!File.Exists(marker) || !File.Exists(results) || File.ReadAllText(marker) != finishedWith) return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(results)) as JsonObject;
            return json?["status"] is JsonValue status && status.TryGetValue(out string? text) && text != "completed" ? null : json;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
