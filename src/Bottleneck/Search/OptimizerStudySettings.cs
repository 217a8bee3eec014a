using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;

namespace Bottleneck.Search;

/// <summary>Study A's protocol; the defaults reproduce it exactly.</summary>
public sealed record OptimizerStudySettings
{
    public IReadOnlyList<string> Optimizers { get; init; } = ["sgd", "adam", "rmsprop", "adagrad"];
    /// <summary>One rate for every optimizer (study A: 0.001); null keeps each optimizer's own default.</summary>
    public double? LearningRate { get; init; } = 1e-3;
    public OptimizerConvention Convention { get; init; } = OptimizerConvention.Keras;
    public int Epochs { get; init; } = 50;
    public int BatchSize { get; init; } = 256;
    public int CodeSize { get; init; } = 32;
    public IReadOnlyList<int> Hidden { get; init; } = [];
    public LossFunction Loss { get; init; } = LossFunction.Bce;
    public OutputActivation Output { get; init; } = OutputActivation.Sigmoid;
    public InitScheme Init { get; init; } = InitScheme.GlorotUniform;
    /// <summary>Fitted on the whole set before the split, as study A does.</summary>
    public ScalerKind Scaler { get; init; } = ScalerKind.Standard;
    public double TestFraction { get; init; } = 0.25;
    /// <summary>Only the first N test samples (after the split) are evaluated on; null keeps them all.</summary>
    public int? TestLimit { get; init; }
    /// <summary>A learning-rate schedule every run follows; null (study A) keeps the rate constant.</summary>
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Stop a run after this many epochs without improvement of its test loss; null (study A) never stops early.</summary>
    public int? EarlyStopping { get; init; }
    public uint Seed { get; init; } = 42;
    /// <summary>Number of seeds (seed, seed+1, …) per optimizer, for mean ± std.</summary>
    public int Repeats { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Optimizers.Count == 0) throw new SettingException("optimizers", "lists none");
        foreach (var name in Optimizers) Require.OneOf(name, OptimizerSettings.Names, "optimizers");
        if (Optimizers.Distinct().Count() != Optimizers.Count) throw new SettingException("optimizers", "lists an optimizer twice");
        if (LearningRate is { } lr) Require.Positive(lr, "lr");
        Require.AtLeast(Epochs, 1, "epochs");
        Require.AtLeast(BatchSize, 1, "batch-size");
        Require.AtLeast(CodeSize, 1, "code-size");
        foreach (int size in Hidden) Require.AtLeast(size, 1, "hidden");
        Require.AtLeast(Repeats, 1, "repeat");
        Require.AtLeast(TestLimit, 1, "test-limit");
        Require.AtLeast(EarlyStopping, 1, "early-stopping");
        Require.Threads(Threads);
        if (!(TestFraction > 0 && TestFraction < 1)) throw new SettingException("test-size", $"must lie strictly between 0 and 1, got {Require.Text(TestFraction)}");
    }

    public OptimizerSettings OptimizerFor(string name)
    {
        var defaults = OptimizerSettings.Defaults(name, Convention);
        return LearningRate is { } lr ? defaults with { LearningRate = lr } : defaults;
    }
}
