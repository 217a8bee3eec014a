using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Search;
using Bottleneck.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bottleneck.Runs;

/// <summary>
/// One step of a pipeline: a tune, a sweep, a final train, or a robustness or embed study of a trained model; its own
/// settings, the earlier phases whose best parameters it starts from, and (robustness and embed) the train phase whose model it studies.
/// </summary>
public sealed record PhaseSpec(string Name, PhaseKind Kind, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> UseBestOf)
{
    /// <summary>The train phase whose model.safetensors a robustness or embed phase studies; null for the other kinds.</summary>
    public string? UseModelOf { get; init; }

    /// <summary>More train phases whose models a robustness phase compares with <see cref="UseModelOf"/>'s on one chart (<c>use_model_of: [plain, denoising]</c>).</summary>
    public IReadOnlyList<string> AlsoModelsOf { get; init; } = [];
}

/// <summary>
/// A whole study from one YAML file, in the command line's own words: settings shared by every
/// phase, then the phases in order. A phase's best parameters (its winning trial's) flow into the
/// phases that name it in <c>use_best_of</c>:
/// <code>
/// dataset: fashion-mnist
/// seed: 0
/// phases:
///   - name: phase1
///     tune: {grid: "lr=1e-2,5e-3;weight-decay=1e-5,5e-6", folds: 3, epochs: 20}
///   - name: phase2
///     sweep: {param: "code-size=2,4,8,20", epochs: 50, scheduler: "plateau:patience=5", use_best_of: [phase1]}
///   - name: final
///     train: {epochs: 50, use_best_of: [phase1, phase2]}
///   - name: robustness
///     robustness: {noise: "0:1:0.1", occlusion: "0:1:0.1", samples: 1000, use_model_of: final}
///   - name: codes
///     embed: {method: tsne, perplexity: 30, samples: 2000}
/// </code>
/// A robustness or embed phase studies the model of the train phase named in <c>use_model_of</c>, or of the last train phase before it.
/// </summary>
public sealed record PipelineSpec(IReadOnlyDictionary<string, string> Shared, IReadOnlyList<PhaseSpec> Phases)
{
    /// <summary>The top-level keys a pipeline file may have.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "dataset", "limit", "test-limit", "model", "code-size", "hidden", "optimizer", "defaults", "lr", "weight-decay", "loss", "epochs", "denoise", "code-l1", "beta", "kl-warmup",
        "batch-size", "scheduler", "early-stopping", "folds", "score", "seed", "jobs", "threads", "pruner", "eta", "min-epochs",
        "grid", "random", "trials", "param",
        "noise", "occlusion", "block", "clip", "samples", "method", "perplexity", "normal-class", "repeat", "pairs", "steps", "grid",
    ];

    /// <summary>A pipeline file is a page of text; more than this is not one.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Reads and checks the pipeline file at <paramref name="path"/>; a <see cref="SettingException"/> naming the first problem.</summary>
    public static PipelineSpec Load(string path)
    {
        string source = Path.GetFileName(path);
        var stream = SafeYaml.Load(InputFile.ReadText(path, "pipeline file", MaxFileBytes), source);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new DataFormatException($"{source}: expected shared settings and a list of phases");

        var shared = new Dictionary<string, string>();
        YamlSequenceNode? phases = null;
        foreach (var (keyNode, value) in root.Children)
        {
            string key = Name(source, keyNode);
            if (key == "phases") phases = value as YamlSequenceNode ?? throw Error(source, value, "phases must be a list");
            else shared[Key(source, keyNode)] = Scalar(source, value);
        }
        if (phases is null || phases.Children.Count == 0) throw new DataFormatException($"{source}: 'phases' is missing or empty");

        var parsed = new List<PhaseSpec>();
        foreach (var item in phases)
        {
            if (item is not YamlMappingNode phase) throw Error(source, item, $"a phase is a mapping with a name and one of {KindList}");
            string? name = null;
            (PhaseKind Kind, YamlMappingNode Body)? body = null;
            foreach (var (keyNode, value) in phase.Children)
            {
                string key = Name(source, keyNode);
                if (key == "name") name = Scalar(source, value);
                else if (PhaseKinds.Find(key) is { } kind)
                    body = body is null ? (kind, value as YamlMappingNode ?? throw Error(source, value, $"{key} takes settings, e.g. {key}: {{epochs: 20}}"))
                                        : throw Error(source, keyNode, $"a phase is one of {KindList}, not several");
                else throw Error(source, keyNode, $"unknown phase key '{key}' (expected name and one of {string.Join(", ", PhaseKinds.All.Select(k => k.Name()))})");
            }
            if (name is null) throw Error(source, phase, "the phase has no name");
            if (!Reports.RunDirectory.IsPlainName(name))
                throw Error(source, phase, $"phase name '{name}' is not a plain folder name (letters, digits, '.', '_' and '-', starting with a letter or digit)");
            if (body is null) throw Error(source, phase, $"phase {name} is none of {KindList}");
            if (parsed.Any(p => p.Name == name)) throw Error(source, phase, $"two phases are called {name}");
            var settings = new Dictionary<string, string>();
            var useBestOf = new List<string>();
            string? useModelOf = null;
            var alsoModelsOf = new List<string>();
            var kindOf = body.Value.Kind;
            foreach (var (keyNode, value) in body.Value.Body.Children)
            {
                if (Name(source, keyNode) == "use_model_of")
                {
                    if (!kindOf.StudiesModel()) throw Error(source, keyNode, $"use_model_of goes with a robustness, embed, encode or generate phase, not a {kindOf.Name()}");
                    var models = value is YamlSequenceNode list ? list.Select(n => Scalar(source, n)).ToList() : [Scalar(source, value)];
                    if (models.Count == 0) throw Error(source, value, "use_model_of names no train phase");
                    if (models.Count > 1 && kindOf != PhaseKind.Robustness)
                        throw Error(source, value, $"only a robustness phase compares several models; a {kindOf.Name()} phase studies one");
                    foreach (var model in models)
                        if (parsed.All(p => p.Name != model || p.Kind != PhaseKind.Train))
                            throw Error(source, value, $"use_model_of names '{model}', which is not an earlier train phase");
                    if (models.Distinct().Count() != models.Count) throw Error(source, value, "use_model_of names a train phase twice");
                    useModelOf = models[0];
                    alsoModelsOf.AddRange(models.Skip(1));
                }
                else if (Name(source, keyNode) == "use_best_of")
                {
                    var names = value is YamlSequenceNode list ? list.Select(n => Scalar(source, n)).ToList() : [Scalar(source, value)];
                    foreach (var earlier in names)
                        if (parsed.All(p => p.Name != earlier)) throw Error(source, value, $"use_best_of names '{earlier}', which is not an earlier phase");
                    useBestOf.AddRange(names);
                }
                else settings[Key(source, keyNode)] = Scalar(source, value);
            }
            if (kindOf.StudiesModel())
                useModelOf ??= parsed.LastOrDefault(p => p.Kind == PhaseKind.Train)?.Name
                               ?? throw Error(source, phase, $"phase {name} ({kindOf.Name()}) needs an earlier train phase whose model it studies");
            parsed.Add(new PhaseSpec(name, kindOf, settings, useBestOf) { UseModelOf = useModelOf, AlsoModelsOf = alsoModelsOf });
        }
        return new PipelineSpec(shared, parsed);
    }

    private static string KindList
    {
        get
        {
            var names = PhaseKinds.All.Select(k => k.Name()).ToList();
            return string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
        }
    }

    /// <summary>Shared settings, then the best parameters of the phases named, then the phase's own, then <paramref name="overrides"/> (later wins).</summary>
    public IReadOnlyDictionary<string, string> SettingsFor(PhaseSpec phase, IReadOnlyDictionary<string, TrialParams> bests,
                                                           IReadOnlyDictionary<string, string>? overrides = null)
    {
        var merged = new Dictionary<string, string>(Shared);
        foreach (var earlier in phase.UseBestOf)
            if (bests.TryGetValue(earlier, out var best))
                foreach (var (key, value) in best.Values) merged[key] = value;
        foreach (var (key, value) in phase.Settings) merged[key] = value;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>()) merged[key] = value;
        return merged;
    }

    /// <summary>Study settings from merged settings: dataset required, everything else as on the command line.</summary>
    public static StudySettings ToStudySettings(StudyKind kind, IReadOnlyDictionary<string, string> s)
    {
        int Int(string key, int fallback) => s.TryGetValue(key, out var v) ? (int)Number(key, v) : fallback;
        double Double(string key, double fallback) => s.TryGetValue(key, out var v) ? Number(key, v) : fallback;
        string Text(string key, string fallback) => s.TryGetValue(key, out var v) ? v : fallback;
        string score = Text("score", "last:5");
        return new StudySettings
        {
            Kind = kind,
            Dataset = s.TryGetValue("dataset", out var dataset) ? dataset : throw new SettingException("dataset", "is not named by the pipeline"),
            Limit = s.ContainsKey("limit") ? Int("limit", 0) : null,
            Model = Text("model", "lab"),
            CodeSize = Int("code-size", 20),
            Hidden = s.TryGetValue("hidden", out var hidden) ? [.. hidden.Split(',').Select(h => (int)Number("hidden", h))] : [],
            Optimizer = Text("optimizer", "adam").ToLowerInvariant(),
            Convention = Text("defaults", "pytorch") == "keras" ? OptimizerConvention.Keras : OptimizerConvention.PyTorch,
            LearningRate = Double("lr", 1e-3),
            WeightDecay = Double("weight-decay", 0),
            Loss = LossFunctions.Parse(Text("loss", "mse")),
            Epochs = Int("epochs", 20),
            BatchSize = Int("batch-size", 256),
            Schedule = s.TryGetValue("scheduler", out var schedule) && schedule != "none" ? Schedule(schedule) : null,
            EarlyStopping = s.ContainsKey("early-stopping") ? Int("early-stopping", 0) : null,
            Folds = Int("folds", 3),
            ScoreBest = score == "best",
            LastEpochs = score.StartsWith("last:", StringComparison.Ordinal) ? (int)Number("score", score[5..]) : 5,
            Seed = (uint)Int("seed", 0),
            Jobs = Int("jobs", 1),
            Threads = Int("threads", Environment.ProcessorCount),
            Pruner = Text("pruner", "none") switch
            {
                "none" => Pruner.None,
                "halving" => Pruner.Halving,
                "asha" => Pruner.Asha,
                var other => throw new SettingException("pruner", $"must be none, halving or asha, got '{other}'"),
            },
            Eta = Int("eta", 3),
            MinEpochs = Int("min-epochs", 0),
            Denoise = s.TryGetValue("denoise", out var denoise) ? Denoising.Parse(denoise) : null,
            CodeL1 = Double("code-l1", 0),
            Beta = Double("beta", 1),
            KlWarmup = Int("kl-warmup", 0),
        };
    }

    /// <summary>A robustness phase's settings, as <c>bottleneck robustness</c>'s options would give them (same defaults).</summary>
    public static RobustnessSettings ToRobustnessSettings(IReadOnlyDictionary<string, string> values, StudySettings study, string checkpoint) => new()
    {
        Checkpoint = checkpoint,
        Dataset = study.Dataset,
        Samples = Int(values, "samples", 1000),
        NoiseLevels = Levels.Parse(values.GetValueOrDefault("noise", "0:1:0.1"), "noise"),
        OcclusionLevels = Levels.Parse(values.GetValueOrDefault("occlusion", "0:1:0.1"), "occlusion"),
        Block = Bool(values, "block"),
        Clip = Bool(values, "clip"),
        Seed = study.Seed,
        Threads = study.Threads,
    };

    /// <summary>An encode phase's settings: the model's codes of its dataset's test images (the first <c>samples</c>, or all).</summary>
    public static EncodeRunSettings ToEncodeSettings(IReadOnlyDictionary<string, string> values, StudySettings study, string checkpoint, string? dataDir) =>
        new(checkpoint, study.Dataset, DataDir: dataDir, Samples: values.ContainsKey("samples") ? Int(values, "samples", 0) : null, Threads: study.Threads);

    /// <summary>A generate phase's settings, as <c>bottleneck generate</c>'s options would give them (same defaults).</summary>
    public static GenerateRunSettings ToGenerateSettings(IReadOnlyDictionary<string, string> values, StudySettings study, string checkpoint, string? dataDir) =>
        new(checkpoint, study.Dataset, dataDir, Int(values, "samples", 64), Int(values, "pairs", 8), Int(values, "steps", 10), Int(values, "grid", 15), study.Seed);

    /// <summary>An anomaly phase's settings, as <c>bottleneck anomaly</c>'s options would give them: the study's training settings, every class by default.</summary>
    public static AnomalyRunSettings ToAnomalySettings(IReadOnlyDictionary<string, string> values, StudySettings study, DataSource data, TrainSettings training)
    {
        string classes = values.GetValueOrDefault("normal-class", "all");
        IReadOnlyList<int>? normal = classes == "all" ? null
            : [.. classes.Split(',').Select(c => int.TryParse(c.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
                : throw new SettingException("normal-class", $"'{c.Trim()}' is not a class number (or all)"))];
        return new AnomalyRunSettings(data, training, normal, Int(values, "repeat", 1));
    }

    /// <summary>An embed phase's settings and sample count, as <c>bottleneck embed</c>'s options would give them (same defaults and checks).</summary>
    public static (EmbedSettings Settings, int Samples) ToEmbedSettings(IReadOnlyDictionary<string, string> values, StudySettings study)
    {
        var settings = new EmbedSettings
        {
            Method = EmbedSettings.ParseMethod(values.GetValueOrDefault("method", "tsne")),
            Perplexity = values.TryGetValue("perplexity", out var perplexity) ? Number("perplexity", perplexity) : 30,
            Seed = study.Seed,
            Threads = study.Threads,
        };
        settings.Validate();
        return (settings, Require.AtLeast(Int(values, "samples", 2000), 2, "samples"));
    }

    private static ScheduleSpec Schedule(string text)
    {
        try
        {
            return ScheduleSpec.Parse(text);
        }
        catch (ArgumentException e) when (e is not SettingException)
        {
            throw new SettingException("scheduler", $"{text}: {e.Message}");
        }
    }

    private static int Int(IReadOnlyDictionary<string, string> values, string key, int fallback) =>
        !values.TryGetValue(key, out var text) ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
        : throw new SettingException(key, $"'{text}' is not a whole number");

    private static bool Bool(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var text) && (bool.TryParse(text, out bool v) ? v : throw new SettingException(key, $"'{text}' is not true or false"));

    private static double Number(string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new SettingException(key, $"'{text}' is not a number");

    private static string Name(string source, YamlNode node) => Scalar(source, node).Replace('-', '_');

    private static string Key(string source, YamlNode node)
    {
        string key = Scalar(source, node).Replace('_', '-');
        return Keys.Contains(key) ? key : throw Error(source, node, $"unknown setting '{key}' (expected one of {string.Join(", ", Keys)})");
    }

    private static string Scalar(string source, YamlNode node) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(source, node, "expected a single value");

    private static DataFormatException Error(string source, YamlNode node, string message) => new($"{source} line {node.Start.Line}: {message}");
}
