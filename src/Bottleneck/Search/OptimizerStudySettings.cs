using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;

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
    public string Loss { get; init; } = "bce";
    public OutputActivation Output { get; init; } = OutputActivation.Sigmoid;
    public InitScheme Init { get; init; } = InitScheme.GlorotUniform;
    public string Scaler { get; init; } = "standard";
    public double TestFraction { get; init; } = 0.25;
    public uint Seed { get; init; } = 42;
    /// <summary>Number of seeds (seed, seed+1, …) per optimizer, for mean ± std.</summary>
    public int Repeats { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        if (Optimizers.Count == 0) throw new ArgumentException("no optimizers given");
        foreach (var name in Optimizers)
            if (!OptimizerSettings.Names.Contains(name))
                throw new ArgumentException($"unknown optimizer '{name}' (expected one of {string.Join(", ", OptimizerSettings.Names)})");
        if (Optimizers.Distinct().Count() != Optimizers.Count) throw new ArgumentException("an optimizer is listed twice");
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr))) throw new ArgumentException($"learning rate must be a positive number, got {lr}");
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (CodeSize < 1) throw new ArgumentException($"code size must be at least 1, got {CodeSize}");
        foreach (int size in Hidden)
            if (size < 1) throw new ArgumentException($"hidden layer sizes must be at least 1, got {size}");
        if (Repeats < 1) throw new ArgumentException($"repeat must be at least 1, got {Repeats}");
        if (Threads < 1) throw new ArgumentException($"threads must be at least 1, got {Threads}");
        if (Loss is not ("bce" or "mse")) throw new ArgumentException($"unknown loss '{Loss}' (expected bce or mse)");
        if (Scaler is not ("standard" or "minmax" or "none")) throw new ArgumentException($"unknown scaler '{Scaler}' (expected standard, minmax or none)");
        if (!(TestFraction > 0 && TestFraction < 1)) throw new ArgumentException($"test fraction must lie strictly between 0 and 1, got {TestFraction}");
    }

    public OptimizerSettings OptimizerFor(string name)
    {
        var defaults = OptimizerSettings.Defaults(name, Convention);
        return LearningRate is { } lr ? defaults with { LearningRate = lr } : defaults;
    }
}
