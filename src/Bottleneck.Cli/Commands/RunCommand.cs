using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck run FILE.yaml</c>: every phase of a pipeline in order, each in its own folder of the
/// run directory, the best parameters of each phase feeding the phases that use them. Running it
/// again with the same --out resumes: finished trials and phases are read back, not redone. A robustness or
/// embed phase studies the model.safetensors of a train phase, through the same functions as
/// <c>bottleneck robustness</c> and <c>bottleneck embed</c>.
/// </summary>
public static class RunCommand
{
    public const string Schema = HtmlReport.PipelineSchema;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The pipeline (YAML), e.g. examples/study-b-quick.yaml" };
        var dataDir = DataOptions.DataDir();
        var outDir = CommonOptions.Out();
        var jobs = new Option<int?>("--jobs") { Description = "Trials in parallel (overrides the file)" };
        var threads = new Option<int?>("--threads") { Description = "Threads in all (overrides the file)" };
        var command = new Command("run", "Run a whole study from a pipeline file (tune → sweep → train → robustness, embed), resumable") { file, dataDir, outDir, jobs, threads };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(file)!;
            var pipeline = PipelineSpec.Load(path);
            var overrides = new Dictionary<string, string>();
            if (parsed.GetValue(jobs) is { } j) overrides["jobs"] = j.ToString(CultureInfo.InvariantCulture);
            if (parsed.GetValue(threads) is { } t) overrides["threads"] = t.ToString(CultureInfo.InvariantCulture);
            // Every phase's settings and trials are checked before anything runs.
            var plans = new List<(PhaseSpec Phase, Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings Settings, IReadOnlyList<TrialParams> Trials, int? TestLimit)> Plan)>();
            foreach (var phase in pipeline.Phases)
            {
                var plan = Plan(pipeline, phase, overrides);
                var (settings, _, _) = plan(new Dictionary<string, TrialParams>());
                if (phase.Kind == "robustness") RobustnessFor(Values(pipeline, phase, new Dictionary<string, TrialParams>(), overrides), settings, "model.safetensors").Validate();
                if (phase.Kind == "embed") EmbedFor(Values(pipeline, phase, new Dictionary<string, TrialParams>(), overrides), settings);
                plans.Add((phase, plan));
            }
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "run", started);
            File.Copy(path, dir.File("pipeline.yaml"), overwrite: true);
            int threadCount = parsed.GetValue(threads) ?? (pipeline.Shared.TryGetValue("threads", out var shared) ? int.Parse(shared, CultureInfo.InvariantCulture) : Environment.ProcessorCount);
            return Run(pipeline, overrides, plans, parsed.GetValue(dataDir), dir, new Provenance(CommonOptions.CommandLine(parsed), started, threadCount));
        });
        return command;
    }

    private static Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings, IReadOnlyList<TrialParams>, int?)> Plan(
        PipelineSpec pipeline, PhaseSpec phase, IReadOnlyDictionary<string, string> overrides) => bests =>
    {
        var values = Values(pipeline, phase, bests, overrides);
        var kind = phase.Kind == "tune" ? StudyKind.Tune : StudyKind.Sweep;
        var settings = PipelineSpec.ToStudySettings(kind, values);
        settings.Validate();
        IReadOnlyList<TrialParams> trials = phase.Kind switch
        {
            "tune" when values.TryGetValue("grid", out var grid) => SearchSpace.Grid(grid),
            "tune" when values.TryGetValue("random", out var random) =>
                SearchSpace.Random(random, values.TryGetValue("trials", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 20, settings.Seed),
            "tune" => throw new UsageException($"phase {phase.Name}: a tune needs grid or random"),
            "sweep" when values.TryGetValue("param", out var param) => SearchSpace.Grid(param),
            "sweep" => throw new UsageException($"phase {phase.Name}: a sweep needs param"),
            _ => [new TrialParams([])],
        };
        int? testLimit = values.TryGetValue("test-limit", out var tl) ? int.Parse(tl, CultureInfo.InvariantCulture) : null;
        return (settings, trials, testLimit);
    };

    private static Dictionary<string, string> Values(PipelineSpec pipeline, PhaseSpec phase, IReadOnlyDictionary<string, TrialParams> bests,
                                                     IReadOnlyDictionary<string, string> overrides)
    {
        var values = new Dictionary<string, string>(pipeline.SettingsFor(phase, bests));
        foreach (var (key, value) in overrides) values[key] = value;
        return values;
    }

    // A robustness phase's settings, as bottleneck robustness's options would give them (same defaults).
    private static RobustnessSettings RobustnessFor(IReadOnlyDictionary<string, string> values, StudySettings settings, string checkpoint) => new()
    {
        Checkpoint = checkpoint,
        Dataset = settings.Dataset,
        Samples = Int(values, "samples", 1000),
        NoiseLevels = RobustnessCommand.ParseLevels(values.GetValueOrDefault("noise", "0:1:0.1"), "noise"),
        OcclusionLevels = RobustnessCommand.ParseLevels(values.GetValueOrDefault("occlusion", "0:1:0.1"), "occlusion"),
        Block = Bool(values, "block"),
        Clip = Bool(values, "clip"),
        Seed = settings.Seed,
        Threads = settings.Threads,
    };

    // An embed phase's settings, as bottleneck embed's options would give them (same defaults and checks).
    private static (EmbedSettings Settings, int Samples) EmbedFor(IReadOnlyDictionary<string, string> values, StudySettings settings)
    {
        string method = values.GetValueOrDefault("method", "tsne").ToLowerInvariant();
        if (method is not ("tsne" or "pca")) throw new UsageException($"embed: unknown method '{method}' (expected tsne or pca)");
        string perplexityText = values.GetValueOrDefault("perplexity", "30");
        if (!double.TryParse(perplexityText, NumberStyles.Float, CultureInfo.InvariantCulture, out double perplexity) || !(perplexity > 0) || !double.IsFinite(perplexity))
            throw new UsageException($"embed: perplexity must be a positive number, got '{perplexityText}'");
        int samples = Int(values, "samples", 2000);
        if (samples < 2) throw new UsageException($"embed: samples must be at least 2, got {samples}");
        return (new EmbedSettings
        {
            Method = method == "pca" ? EmbedMethod.Pca : EmbedMethod.Tsne,
            Perplexity = perplexity,
            Seed = settings.Seed,
            Threads = settings.Threads,
        }, samples);
    }

    private static int Int(IReadOnlyDictionary<string, string> values, string key, int fallback) =>
        !values.TryGetValue(key, out var text) ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
        : throw new UsageException($"{key}: '{text}' is not a whole number");

    private static bool Bool(IReadOnlyDictionary<string, string> values, string key) =>
        !values.TryGetValue(key, out var text) ? false
        : bool.TryParse(text, out bool v) ? v
        : throw new UsageException($"{key}: '{text}' is not true or false");

    private static int Run(PipelineSpec pipeline, IReadOnlyDictionary<string, string> overrides, List<(PhaseSpec Phase, Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings Settings, IReadOnlyList<TrialParams> Trials, int? TestLimit)> Plan)> plans,
                           string? dataDir, RunDirectory dir, Provenance provenance)
    {
        var bests = new Dictionary<string, TrialParams>();
        var summary = new JsonArray();
        foreach (var (phase, plan) in plans)
        {
            var (settings, trials, testLimit) = plan(bests);
            if (PipelineSpec.StudiesModel(phase.Kind))
            {
                summary.Add(ModelPhase(phase, Values(pipeline, phase, bests, overrides), settings, dataDir, dir, provenance));
                continue;
            }
            string finishedWith = Json.Serialize(new JsonObject { ["settings"] = settings.ToJson(), ["test_limit"] = testLimit });
            if (phase.Kind == "train" && File.Exists(Path.Combine(dir.File(phase.Name), "model.safetensors"))
                && FinishedPhase(dir.File(phase.Name), finishedWith) is { } earlier
                && earlier["test_mse"] is JsonValue mseValue && mseValue.TryGetValue(out double earlierMse))
            {
                Console.WriteLine($"== phase {phase.Name} ({phase.Kind}) ==");
                Console.WriteLine($"final model already trained with these settings (test MSE {earlierMse.ToString("0.000000", CultureInfo.InvariantCulture)}); kept");
                summary.Add(new JsonObject { ["name"] = phase.Name, ["kind"] = phase.Kind, ["settings"] = settings.ToJson(), ["test_mse"] = Json.Number(earlierMse), ["directory"] = phase.Name });
                continue;
            }
            var (train, test) = DataOptions.Load(settings.Dataset, dataDir, settings.Limit, settings.Seed, testLimit);
            var phaseDir = CommonOptions.CreateRunDirectory(dir.File(phase.Name), phase.Name, DateTimeOffset.Now);
            Console.WriteLine($"== phase {phase.Name} ({phase.Kind}) ==");
            if (phase.Kind == "train")
            {
                phaseDir.Delete(FinishedWithFile);
                var outcome = TrainPhase(settings, train, test, phaseDir, provenance);
                summary.Add(new JsonObject { ["name"] = phase.Name, ["kind"] = phase.Kind, ["settings"] = settings.ToJson(), ["test_mse"] = Json.Number(outcome.TestMse), ["directory"] = phase.Name });
                if (outcome.Training.Status != RunStatus.Completed) return Finish(dir, summary, provenance, failed: true);
                // Written last: its presence says the phase's files are complete and were made with exactly these settings.
                phaseDir.WriteText(FinishedWithFile, finishedWith);
                continue;
            }
            StudyCommand.Check(settings, trials, train, test);
            var result = StudyCommand.RunStudy(phase.Name, settings, trials, train, test, new SqliteStudyStore(phaseDir.File(StudyCommand.StoreFile)),
                                               phaseDir, provenance, verify: false, top: 5);
            summary.Add(new JsonObject
            {
                ["name"] = phase.Name, ["kind"] = phase.Kind, ["directory"] = phase.Name,
                ["best"] = result.Best?.Params.ToJson(), ["score"] = result.Best is { } b ? Json.Number(b.Score) : null,
            });
            if (result.Cancelled) return Finish(dir, summary, provenance, failed: true);
            if (result.Best is null)
            {
                Console.Error.WriteLine($"error: phase {phase.Name} has no completed trial, so the phases after it cannot start");
                return Finish(dir, summary, provenance, failed: true);
            }
            bests[phase.Name] = result.Best.Params;
            Console.WriteLine($"best of {phase.Name}: {result.Best.Params}");
        }
        return Finish(dir, summary, provenance, failed: false);
    }

    // A robustness or embed phase: the model of its train phase, studied by the same functions as the commands, in the phase's folder.
    // Kept on a rerun when it was finished with the same settings on the same model (the train phase may have been retrained).
    private static JsonObject ModelPhase(PhaseSpec phase, IReadOnlyDictionary<string, string> values, StudySettings settings, string? dataDir,
                                         RunDirectory dir, Provenance provenance)
    {
        string checkpoint = Path.Combine(dir.File(phase.UseModelOf!), "model.safetensors");
        string folder = dir.File(phase.Name);
        Console.WriteLine($"== phase {phase.Name} ({phase.Kind} of {phase.UseModelOf}) ==");
        var phaseSettings = new JsonObject();
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) phaseSettings[key] = value;
        string finishedWith = Json.Serialize(new JsonObject { ["settings"] = phaseSettings, ["model_sha256"] = Checksums.Sha256OfFile(checkpoint) });
        var results = FinishedPhase(folder, finishedWith);
        if (results is not null)
            Console.WriteLine($"{phase.Kind} of this model already done with these settings; kept");
        else
        {
            // Everything is checked and loaded before the folder is touched; the study itself runs below.
            Func<RunDirectory, int> study;
            if (phase.Kind == "robustness")
            {
                var (robustness, model, test) = RobustnessCommand.Prepare(RobustnessFor(values, settings, checkpoint), dataDir);
                study = d => RobustnessCommand.Run(robustness, model, test, d, provenance);
            }
            else
            {
                var (embed, samples) = EmbedFor(values, settings);
                var (codes, labels, source) = EmbedCommand.Codes(checkpoint, settings.Dataset, dataDir, samples, settings.Seed, embed.Threads);
                EmbedCommand.Check(embed, codes);
                study = d => EmbedCommand.Run(embed, codes, labels, source, d, provenance);
            }
            var phaseDir = CommonOptions.CreateRunDirectory(folder, phase.Name, DateTimeOffset.Now);
            phaseDir.Delete(FinishedWithFile);
            study(phaseDir);
            phaseDir.WriteText(FinishedWithFile, finishedWith);
            results = JsonNode.Parse(File.ReadAllText(phaseDir.File("results.json")))!.AsObject();
        }
        var entry = new JsonObject
        {
            ["name"] = phase.Name, ["kind"] = phase.Kind, ["directory"] = phase.Name, ["model_of"] = phase.UseModelOf,
            ["files"] = new JsonArray([.. Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).Select(f => JsonValue.Create(f))]),
        };
        foreach (var key in new[] { "method", "samples", "trustworthiness", "knn_accuracy", "kl_divergence" })
            if (results[key] is JsonValue v) entry[key] = v.DeepClone();
        return entry;
    }

    /// <summary>
    /// What a train, robustness or embed phase was finished with (its settings; for a model study, also the model's
    /// checksum). A rerun with the same keeps the phase's files instead of doing it again.
    /// </summary>
    public const string FinishedWithFile = "finished-with.json";

    // The results.json of a phase in <paramref name="folder"/> that completed with exactly <paramref name="finishedWith"/>, else null.
    private static JsonObject? FinishedPhase(string folder, string finishedWith)
    {
        string marker = Path.Combine(folder, FinishedWithFile), results = Path.Combine(folder, "results.json");
        if (!File.Exists(marker) || !File.Exists(results) || File.ReadAllText(marker) != finishedWith) return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(results)) as JsonObject;
            return json?["status"] is JsonValue status && status.TryGetValue(out string? text) && text != "completed" ? null : json;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    // The final model: the phase's settings with the best parameters folded in, trained on the whole training set.
    private static TrainOutcome TrainPhase(StudySettings settings, Dataset train, Dataset test, RunDirectory dir, Provenance provenance)
    {
        var trainSettings = new TrialRunner(settings, train, test, store: null).SettingsFor(new TrialParams([]), settings.Epochs, settings.Threads)
            with { Seed = settings.Seed };
        trainSettings.Validate();
        var outcome = Output.TrainingDisplay.Run(["final"], trainSettings.Epochs,
            report => ModelTraining.Run(trainSettings, train, test, p => report("final", p)), samplesPerEpoch: train.Count);
        TrainReport.Write(dir, trainSettings, train, test, outcome, provenance);
        Console.WriteLine($"final model: test MSE {outcome.TestMse.ToString("0.000000", CultureInfo.InvariantCulture)}; saved in {dir.File("model.safetensors")}");
        return outcome;
    }

    private static int Finish(RunDirectory dir, JsonArray phases, Provenance provenance, bool failed)
    {
        dir.WriteText("results.json", Json.Serialize(new JsonObject
        {
            ["schema"] = Schema,
            ["status"] = failed ? "incomplete" : "completed",
            ["provenance"] = provenance.ToJson(),
            ["phases"] = phases,
        }));
        // The pipeline's page links each phase's own report.html (written by the phase's report writer).
        HtmlReport.Write(dir);
        Console.WriteLine($"results: {dir.Path}");
        return failed ? Cli.Failed : Cli.Success;
    }
}
