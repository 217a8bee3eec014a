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
    /// <summary>The optimizers compared, by PyTorch name.</summary>
    public IReadOnlyList<string> Optimizers { get; init; } = ["sgd", "adam", "rmsprop", "adagrad"];
    /// <summary>One rate for every optimizer (study A: 0.001); null keeps each optimizer's own default.</summary>
    public double? LearningRate { get; init; } = 1e-3;
    /// <summary>Whose default hyperparameters the optimizers start from.</summary>
    public OptimizerConvention Convention { get; init; } = OptimizerConvention.Keras;
    /// <summary>Epochs per run.</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Width of the code layer.</summary>
    public int CodeSize { get; init; } = 32;
    /// <summary>Widths of the encoder's hidden layers, mirrored in the decoder (study A: none).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];
    /// <summary>The reconstruction loss (study A: BCE).</summary>
    public LossFunction Loss { get; init; } = LossFunction.Bce;
    /// <summary>The output activation (study A: sigmoid).</summary>
    public OutputActivation Output { get; init; } = OutputActivation.Sigmoid;
    /// <summary>The weight initialisation (study A: Keras's Glorot-uniform).</summary>
    public InitScheme Init { get; init; } = InitScheme.GlorotUniform;
    /// <summary>Fitted on the whole set before the split, as study A does.</summary>
    public ScalerKind Scaler { get; init; } = ScalerKind.Standard;
    /// <summary>The share of samples held out for testing.</summary>
    public double TestFraction { get; init; } = 0.25;
    /// <summary>Only the first N test samples (after the split) are evaluated on; null keeps them all.</summary>
    public int? TestLimit { get; init; }
    /// <summary>A learning-rate schedule every run follows; null (study A) keeps the rate constant.</summary>
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Stop a run after this many epochs without improvement of its test loss; null (study A) never stops early.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>The study's seed: the split, and each run's weights and shuffles.</summary>
    public uint Seed { get; init; } = 42;
    /// <summary>Number of seeds (seed, seed+1, …) per optimizer, for mean ± std.</summary>
    public int Repeats { get; init; } = 1;
    /// <summary>Threads to train on; the numbers do not depend on it.</summary>
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

    /// <summary>The hyperparameters optimizer <paramref name="name"/> runs with in this study.</summary>
    public OptimizerSettings OptimizerFor(string name)
    {
        var defaults = OptimizerSettings.Defaults(name, Convention);
        return LearningRate is { } lr ? defaults with { LearningRate = lr } : defaults;
    }
}
