using System.Text.Json.Nodes;
using Bottleneck.Losses;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;

namespace Bottleneck.Search;

/// <summary>
/// Tune: each trial is cross-validated with k folds of the training set and scored by its mean
/// validation loss. Sweep: each trial trains on the whole training set, is tested after every
/// epoch, and is scored by the mean test loss of its last epochs (or its best).
/// </summary>
public enum StudyKind { Tune, Sweep }

/// <summary>A study: the base training settings every trial starts from, and how trials are run and scored.</summary>
public sealed record StudySettings
{
    public StudyKind Kind { get; init; } = StudyKind.Tune;
    public required string Dataset { get; init; }
    public int? Limit { get; init; }
    public string Model { get; init; } = "lab";
    public int CodeSize { get; init; } = 20;
    public IReadOnlyList<int> Hidden { get; init; } = [];
    public string Optimizer { get; init; } = "adam";
    public OptimizerConvention Convention { get; init; } = OptimizerConvention.PyTorch;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    public LossFunction Loss { get; init; } = LossFunction.Mse;
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 256;
    /// <summary>A learning-rate schedule (<c>plateau:patience=5</c>); null for a constant rate.</summary>
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Stop a run after this many epochs without improvement of its validation loss; null never stops early.</summary>
    public int? EarlyStopping { get; init; }
    public int Folds { get; init; } = 3;
    /// <summary>Sweeps: the score is the mean test loss of the last <see cref="LastEpochs"/> epochs, or the best epoch's.</summary>
    public int LastEpochs { get; init; } = 5;
    public bool ScoreBest { get; init; }
    public uint Seed { get; init; }
    public bool Halving { get; init; }
    public int Eta { get; init; } = 3;
    /// <summary>Epochs of the first halving rung; 0 picks epochs / η².</summary>
    public int MinEpochs { get; init; }
    /// <summary>Trials in parallel, and threads in all; neither changes any result.</summary>
    public int Jobs { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Epochs, 1, "epochs");
        Require.AtLeast(BatchSize, 1, "batch-size");
        if (Kind == StudyKind.Tune) Require.AtLeast(Folds, 2, "folds");
        Require.AtLeast(LastEpochs, 1, "score");
        Require.AtLeast(Jobs, 1, "jobs");
        Require.Threads(Threads);
        Require.AtLeast(Eta, 2, "eta");
        if (MinEpochs < 0 || MinEpochs > Epochs) throw new SettingException("min-epochs", $"must lie in [1, epochs], got {MinEpochs}");
        Require.AtLeast(Limit, 1, "limit");
        Require.AtLeast(CodeSize, 1, "code-size");
        foreach (int size in Hidden) Require.AtLeast(size, 1, "hidden");
        Require.OneOf(Optimizer, OptimizerSettings.Names, "optimizer");
        Require.Positive(LearningRate, "lr");
        Require.NonNegative(WeightDecay, "weight-decay");
        Require.AtLeast(EarlyStopping, 1, "early-stopping");
    }

    /// <summary>Epoch budgets of the halving rungs, ending at the full budget: b₀, b₀·η, …, epochs.</summary>
    public IReadOnlyList<int> Rungs()
    {
        if (!Halving) return [Epochs];
        int first = MinEpochs > 0 ? MinEpochs : Math.Max(1, (int)Math.Round(Epochs / (double)(Eta * Eta)));
        var rungs = new List<int>();
        for (double b = first; b < Epochs; b *= Eta) rungs.Add((int)Math.Round(b));
        rungs.Add(Epochs);
        return [.. rungs.Distinct()];
    }

    /// <summary>Epochs a study plans to train for <paramref name="trials"/> trials: every rung's survivors at its budget, every fold.</summary>
    public long PlannedEpochs(int trials)
    {
        long epochs = 0;
        int alive = trials;
        foreach (int budget in Rungs())
        {
            epochs += (long)alive * budget;
            alive = Math.Max(1, (int)Math.Ceiling(alive / (double)Eta));
        }
        return epochs * (Kind == StudyKind.Tune ? Folds : 1);
    }

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
        ["pruner"] = Halving ? $"halving:eta={Eta},rungs={string.Join("/", Rungs())}" : "none",
        ["halving"] = Halving,
        ["eta"] = Eta,
        ["min_epochs"] = MinEpochs,
    };

    /// <summary>The settings <see cref="ToJson"/> recorded (jobs and threads are the caller's to choose again).</summary>
    public static StudySettings FromJson(JsonObject j) => new()
    {
        Kind = Enum.Parse<StudyKind>(j["kind"]!.GetValue<string>(), ignoreCase: true),
        Dataset = j["dataset"]!.GetValue<string>(),
        Limit = j["limit"]?.GetValue<int>(),
        Model = j["model"]!.GetValue<string>(),
        CodeSize = j["code_size"]!.GetValue<int>(),
        Hidden = [.. j["hidden"]!.AsArray().Select(h => h!.GetValue<int>())],
        Optimizer = j["optimizer"]!.GetValue<string>(),
        Convention = Enum.Parse<OptimizerConvention>(j["defaults"]!.GetValue<string>(), ignoreCase: true),
        LearningRate = j["lr"]!.GetValue<double>(),
        WeightDecay = j["weight_decay"]!.GetValue<double>(),
        Loss = LossFunctions.Parse(j["loss"]!.GetValue<string>()),
        Epochs = j["epochs"]!.GetValue<int>(),
        BatchSize = j["batch_size"]!.GetValue<int>(),
        Schedule = j["schedule"]?.GetValue<string>() is { } schedule ? ScheduleSpec.Parse(schedule) : null,
        EarlyStopping = j["early_stopping"]?.GetValue<int>(),
        Folds = j["folds"]!.GetValue<int>() is > 0 and var folds ? folds : 3,
        LastEpochs = j["last_epochs"]!.GetValue<int>(),
        ScoreBest = j["score_best"]!.GetValue<bool>(),
        Seed = j["seed"]!.GetValue<uint>(),
        Halving = j["halving"]!.GetValue<bool>(),
        Eta = j["eta"]!.GetValue<int>(),
        MinEpochs = j["min_epochs"]!.GetValue<int>(),
    };

    /// <summary>The study store's definition: these settings and the trials, in order.</summary>
    public string Definition(IReadOnlyList<TrialParams> trials) =>
        new JsonObject { ["settings"] = ToJson(), ["trials"] = new JsonArray([.. trials.Select(t => (JsonNode)t.ToJson())]) }.ToJsonString();

    public static (StudySettings Settings, IReadOnlyList<TrialParams> Trials) FromDefinition(string definition)
    {
        var json = JsonNode.Parse(definition)!.AsObject();
        return (FromJson(json["settings"]!.AsObject()), [.. json["trials"]!.AsArray().Select(t => TrialParams.FromJson(t!.ToJsonString()))]);
    }
}
