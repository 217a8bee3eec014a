using System.Text.Json.Nodes;
using System.Text.Json;
using Bottleneck.Losses;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// Tune: each trial is cross-validated with k folds of the training set and scored by its mean
/// validation loss. Sweep: each trial trains on the whole training set, is tested after every
/// epoch, and is scored by the mean test loss of its last epochs (or its best).
/// </summary>
public enum StudyKind
{
    /// <summary>k-fold cross-validation on the training set, scored by the mean validation loss.</summary>
    Tune,
    /// <summary>Train on the whole training set, scored by the test loss of the last (or best) epochs.</summary>
    Sweep,
}

/// <summary>A study: the base training settings every trial starts from, and how trials are run and scored.</summary>
public sealed record StudySettings
{
    /// <summary>Tune (k-fold cross-validation) or sweep (train and test).</summary>
    public StudyKind Kind { get; init; } = StudyKind.Tune;
    /// <summary>The dataset, as a dataset argument names it.</summary>
    public required string Dataset { get; init; }
    /// <summary>Use only the first N training samples; null uses all.</summary>
    public int? Limit { get; init; }
    /// <summary>The model preset (<c>dense</c>, <c>lab</c>, <c>lab-rgb</c>) or a model file.</summary>
    public string Model { get; init; } = "lab";
    /// <summary>Width of the code layer.</summary>
    public int CodeSize { get; init; } = 20;
    /// <summary>Widths of the dense preset's hidden layers.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];
    /// <summary>The optimizer, by PyTorch name.</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>Whose default hyperparameters the optimizer starts from.</summary>
    public OptimizerConvention Convention { get; init; } = OptimizerConvention.PyTorch;
    /// <summary>The learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>The L2 penalty (decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }
    /// <summary>The reconstruction loss.</summary>
    public LossFunction Loss { get; init; } = LossFunction.Mse;
    /// <summary>Epochs per trial (the full budget with halving).</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>A learning-rate schedule (<c>plateau:patience=5</c>); null for a constant rate.</summary>
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Stop a run after this many epochs without improvement of its validation loss; null never stops early.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>k of the k-fold cross-validation (tune).</summary>
    public int Folds { get; init; } = 3;
    /// <summary>Sweeps: the score is the mean test loss of the last <see cref="LastEpochs"/> epochs, or the best epoch's.</summary>
    public int LastEpochs { get; init; } = 5;
    /// <summary>Sweeps: score by the best epoch's test loss instead of the last epochs' mean.</summary>
    public bool ScoreBest { get; init; }
    /// <summary>Denoising training for every trial (a trial's <c>denoise</c> parameter overrides it); null trains plain autoencoders.</summary>
    public Denoising? Denoise { get; init; }
    /// <summary>The sparse penalty λ of every trial (a trial's <c>code-l1</c> parameter overrides it).</summary>
    public double CodeL1 { get; init; }
    /// <summary>Variational models: the KL weight β of every trial.</summary>
    public double Beta { get; init; } = 1;
    /// <summary>Variational models: the KL warm-up of every trial, in epochs.</summary>
    public int KlWarmup { get; init; }
    /// <summary>The study's seed: the folds, and each trial's weights and shuffles (from its parameters).</summary>
    public uint Seed { get; init; }
    /// <summary>How trials are pruned: not at all, by synchronous or by asynchronous successive halving.</summary>
    public Pruner Pruner { get; init; }
    /// <summary>Whether trials train at rungs of growing budgets (either halving pruner).</summary>
    public bool Halves => Pruner != Pruner.None;
    /// <summary>The halving factor η: a third of the trials (η = 3) go on at each rung.</summary>
    public int Eta { get; init; } = 3;
    /// <summary>Epochs of the first halving rung; 0 picks epochs / η².</summary>
    public int MinEpochs { get; init; }
    /// <summary>Trials in parallel, and threads in all; neither changes any result.</summary>
    public int Jobs { get; init; } = 1;
    /// <summary>Threads to train on; the numbers do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>How often a trial whose training throws is tried again before it is recorded as failed.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Epochs, 1, "epochs");
        Require.AtLeast(BatchSize, 1, "batch-size");
        if (Kind == StudyKind.Tune) Require.AtLeast(Folds, 2, "folds");
        Require.AtLeast(LastEpochs, 1, "score");
        Require.AtLeast(Jobs, 1, "jobs");
        Require.AtLeast(MaxRetries, 0, "max-retries");
        Require.Threads(Threads);
        Require.AtLeast(Eta, 2, "eta");
        if (MinEpochs < 0 || MinEpochs > Epochs) throw new SettingException("min-epochs", $"must lie in [1, epochs], got {MinEpochs}");
        Require.AtLeast(Limit, 1, "limit");
        Require.AtLeast(CodeSize, 1, "code-size");
        Require.NonNegative(CodeL1, "code-l1");
        Require.NonNegative(Beta, "beta");
        Require.AtLeast(KlWarmup, 0, "kl-warmup");
        foreach (int size in Hidden) Require.AtLeast(size, 1, "hidden");
        Require.OneOf(Optimizer, OptimizerSettings.Names, "optimizer");
        Require.Positive(LearningRate, "lr");
        Require.NonNegative(WeightDecay, "weight-decay");
        Require.AtLeast(EarlyStopping, 1, "early-stopping");
    }

    /// <summary>Epoch budgets of the halving rungs, ending at the full budget: b₀, b₀·η, …, epochs.</summary>
    public IReadOnlyList<int> Rungs()
    {
        if (!Halves) return [Epochs];
        int first = MinEpochs > 0 ? MinEpochs : Math.Max(1, (int)Math.Round(Epochs / (double)(Eta * Eta)));
        var rungs = new List<int>();
        for (double b = first; b < Epochs; b *= Eta) rungs.Add((int)Math.Round(b));
        rungs.Add(Epochs);
        return [.. rungs.Distinct()];
    }

    /// <summary>
    /// Epochs a study plans to train for <paramref name="trials"/> trials, every fold: every rung's survivors at its budget
    /// (asha's, from the rung below on).
    /// </summary>
    public long PlannedEpochs(int trials)
    {
        long epochs = 0;
        int alive = trials, below = 0;
        foreach (int budget in Rungs())
        {
            epochs += (long)alive * (budget - below);
            if (Pruner == Pruner.Asha) below = budget;
            alive = Math.Max(1, (int)Math.Ceiling(alive / (double)Eta));
        }
        return epochs * FoldsTrained;
    }

    /// <summary>Models each trial trains: one per fold in a tune, one in a sweep.</summary>
    public int FoldsTrained => Kind == StudyKind.Tune ? Folds : 1;

    /// <summary>Everything that decides a study's numbers (not jobs or threads): a resumed study must match it.</summary>
    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind.ToString().ToLowerInvariant(),
        ["dataset"] = Dataset,
        ["limit"] = Limit,
        ["model"] = Model,
        ["code_size"] = CodeSize,
        ["hidden"] = new JsonArray([.. Hidden.Select(h => (JsonNode)h)]),
        ["optimizer"] = Optimizer,
        ["defaults"] = Convention.ToString().ToLowerInvariant(),
        ["lr"] = LearningRate,
        ["weight_decay"] = WeightDecay,
        ["loss"] = Loss.Name(),
        ["epochs"] = Epochs,
        ["batch_size"] = BatchSize,
        ["schedule"] = Schedule?.Source,
        ["early_stopping"] = EarlyStopping,
        ["folds"] = Kind == StudyKind.Tune ? Folds : 0,
        ["score"] = Kind == StudyKind.Tune ? "mean_val_loss" : ScoreBest ? "best" : $"last:{LastEpochs}",
        ["last_epochs"] = LastEpochs,
        ["score_best"] = ScoreBest,
        ["seed"] = Seed,
        // "halving" stays a flag, so that the definitions of studies made before asha existed read the same. Asha's rungs are
        // "continued" (each the start of the full-budget run): a store whose rungs each trained from scratch is refused, not mixed in.
        ["pruner"] = Halves ? $"{Pruner.ToString().ToLowerInvariant()}:eta={Eta},rungs={string.Join("/", Rungs())}{(Pruner == Pruner.Asha ? ",continued" : "")}" : "none",
        ["halving"] = Pruner == Pruner.Halving,
        ["eta"] = Eta,
        ["min_epochs"] = MinEpochs,
    };

    /// <summary>The settings <see cref="ToJson"/> recorded (jobs and threads are the caller's to choose again).</summary>
    public static StudySettings FromJson(JsonObject j) => new()
    {
        Kind = Enum.Parse<StudyKind>(Get<string>(j, "kind"), ignoreCase: true),
        Dataset = Get<string>(j, "dataset"),
        Limit = OptionalInt(j, "limit"),
        Model = Get<string>(j, "model"),
        CodeSize = Get<int>(j, "code_size"),
        Hidden = [.. (j["hidden"] as JsonArray ?? throw new JsonException("'hidden' is missing")).Select(h => h?.GetValue<int>() ?? throw new JsonException("'hidden' holds a null"))],
        Optimizer = Get<string>(j, "optimizer"),
        Convention = Enum.Parse<OptimizerConvention>(Get<string>(j, "defaults"), ignoreCase: true),
        LearningRate = Get<double>(j, "lr"),
        WeightDecay = Get<double>(j, "weight_decay"),
        Loss = LossFunctions.Parse(Get<string>(j, "loss")),
        Epochs = Get<int>(j, "epochs"),
        BatchSize = Get<int>(j, "batch_size"),
        Schedule = Optional<string>(j, "schedule") is { } schedule ? ScheduleSpec.Parse(schedule) : null,
        EarlyStopping = OptionalInt(j, "early_stopping"),
        Folds = Get<int>(j, "folds") is > 0 and var folds ? folds : 3,
        LastEpochs = Get<int>(j, "last_epochs"),
        ScoreBest = Get<bool>(j, "score_best"),
        Seed = Get<uint>(j, "seed"),
        Pruner = Get<bool>(j, "halving") ? Pruner.Halving : Get<string>(j, "pruner").StartsWith("asha:", StringComparison.Ordinal) ? Pruner.Asha : Pruner.None,
        Eta = Get<int>(j, "eta"),
        MinEpochs = Get<int>(j, "min_epochs"),
    };

    /// <summary>The study store's definition: these settings and the trials, in order.</summary>
    public string Definition(IReadOnlyList<TrialParams> trials) =>
        new JsonObject { ["settings"] = ToJson(), ["trials"] = new JsonArray([.. trials.Select(t => (JsonNode)t.ToJson())]) }.ToJsonString();

    /// <summary>The settings and trials of a stored definition; a <see cref="DataFormatException"/> naming <paramref name="store"/> when it is damaged.</summary>
    public static (StudySettings Settings, IReadOnlyList<TrialParams> Trials) FromDefinition(string definition, string store)
    {
        try
        {
            var json = JsonNode.Parse(definition) as JsonObject ?? throw new JsonException("it is not a JSON object");
            var settings = FromJson(json["settings"] as JsonObject ?? throw new JsonException("'settings' is missing"));
            settings.Validate();
            var trials = json["trials"] as JsonArray ?? throw new JsonException("'trials' is missing");
            IReadOnlyList<TrialParams> parsed = [.. trials.Select(t => TrialParams.FromJson(t as JsonObject ?? throw new JsonException("a trial is not a JSON object")))];
            if (parsed.Count == 0) throw new JsonException("it lists no trial");
            return (settings, parsed);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new DataFormatException($"{store}: the study's definition is damaged ({OneLine(e.Message)}); move the store aside to start the study afresh");
        }
    }

    private static T Get<T>(JsonObject j, string key) =>
        j[key] is JsonValue v ? v.GetValue<T>() : throw new JsonException($"'{key}' is missing");

    private static T? Optional<T>(JsonObject j, string key) where T : class => j[key] is JsonValue v ? v.GetValue<T>() : null;

    private static int? OptionalInt(JsonObject j, string key) => j[key] is JsonValue v ? v.GetValue<int>() : null;

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
