using System.Text.Json.Serialization;
using Bottleneck.Layers;

namespace Bottleneck.Optimizers;

/// <summary>Whose default hyperparameters to start from: study A uses Keras's.</summary>
[JsonConverter(typeof(EnumAsWord<OptimizerConvention>))]
public enum OptimizerConvention
{
    /// <summary>Keras's defaults (e.g. Adam's ε = 1e-7, RMSprop's ρ = 0.9, Adagrad's initial accumulator 0.1).</summary>
    Keras,
    /// <summary>PyTorch's defaults, as <c>torch.optim</c> gives them.</summary>
    PyTorch,
}

/// <summary>
/// Everything needed to build an optimizer by name. <see cref="Defaults"/> gives either
/// framework's defaults; the fields a rule does not use are ignored by it.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>The optimizer names accepted, PyTorch's lower-cased.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"];

    /// <summary>The optimizer, one of <see cref="Names"/>.</summary>
    public required string Name { get; init; }
    /// <summary>The (initial) learning rate.</summary>
    public double LearningRate { get; init; }
    /// <summary>L2 penalty added to the gradient (PyTorch's weight_decay); decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }
    /// <summary>SGD's and RMSprop's momentum.</summary>
    public double Momentum { get; init; }
    /// <summary>SGD's dampening of the momentum.</summary>
    public double Dampening { get; init; }
    /// <summary>Whether SGD uses Nesterov momentum.</summary>
    public bool Nesterov { get; init; }
    /// <summary>β₁ of Adam, AdamW, Adamax and NAdam.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>β₂ of Adam, AdamW, Adamax and NAdam.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>ε of the denominator.</summary>
    public double Epsilon { get; init; }
    /// <summary>Decay of the squared-gradient average: Keras's rho, PyTorch's alpha (RMSprop) or rho (Adadelta).</summary>
    public double Rho { get; init; }
    /// <summary>Whether RMSprop divides by the centred (variance) estimate.</summary>
    public bool Centered { get; init; }
    /// <summary>Adagrad's initial accumulator value.</summary>
    public double InitialAccumulator { get; init; }
    /// <summary>Adagrad's learning-rate decay.</summary>
    public double LrDecay { get; init; }
    /// <summary>NAdam's momentum decay ψ.</summary>
    public double MomentumDecay { get; init; } = 4e-3;

    /// <summary>Throws a <see cref="SettingException"/> for an unknown name, a learning rate that is not positive, or a negative weight decay.</summary>
    public void Validate()
    {
        Require.OneOf(Name, Names, "optimizer");
        Require.Positive(LearningRate, "lr");
        Require.NonNegative(WeightDecay, "weight-decay");
    }

    /// <summary>The hyperparameters <paramref name="name"/> starts from under <paramref name="convention"/>'s defaults.</summary>
    public static OptimizerSettings Defaults(string name, OptimizerConvention convention)
    {
        bool keras = convention == OptimizerConvention.Keras;
        var s = new OptimizerSettings { Name = name, Epsilon = keras ? 1e-7 : 1e-8 };
        return name switch
        {
            // PyTorch's SGD has no default rate; 0.01 is Keras's and a common choice.
            "sgd" => s with { LearningRate = 0.01 },
            "adam" => s with { LearningRate = 1e-3 },
            "adamw" => s with { LearningRate = 1e-3, WeightDecay = keras ? 4e-3 : 1e-2 },
            "rmsprop" => s with { LearningRate = keras ? 1e-3 : 1e-2, Rho = keras ? 0.9 : 0.99 },
            "adagrad" => s with { LearningRate = keras ? 1e-3 : 1e-2, InitialAccumulator = keras ? 0.1 : 0, Epsilon = keras ? 1e-7 : 1e-10 },
            "adadelta" => s with { LearningRate = keras ? 1e-3 : 1.0, Rho = keras ? 0.95 : 0.9, Epsilon = keras ? 1e-7 : 1e-6 },
            "adamax" => s with { LearningRate = keras ? 1e-3 : 2e-3 },
            "nadam" => s with { LearningRate = keras ? 1e-3 : 2e-3 },
            _ => throw new SettingException("optimizer", $"'{name}' is unknown (expected one of {string.Join(", ", Names)})"),
        };
    }

    /// <summary>The optimizer these settings describe, over <paramref name="parameters"/>.</summary>
    public Optimizer Create(IReadOnlyList<Parameter> parameters) => Name switch
    {
        "sgd" => new SGD(parameters, LearningRate, Momentum, Dampening, Nesterov, WeightDecay),
        "adam" => new Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        "adamw" => new AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        "rmsprop" => new RMSprop(parameters, LearningRate, Rho, Epsilon, Momentum, Centered, WeightDecay),
        "adagrad" => new Adagrad(parameters, LearningRate, InitialAccumulator, Epsilon, LrDecay, WeightDecay),
        "adadelta" => new Adadelta(parameters, LearningRate, Rho, Epsilon, WeightDecay),
        "adamax" => new Adamax(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        "nadam" => new NAdam(parameters, LearningRate, Beta1, Beta2, Epsilon, MomentumDecay, WeightDecay),
        _ => throw new ArgumentException($"unknown optimizer '{Name}' (expected one of {string.Join(", ", Names)})"),
    };

    /// <summary>Display name as papers and frameworks write it.</summary>
    public static string DisplayName(string name) => name switch
    {
        "sgd" => "SGD", "adam" => "Adam", "adamw" => "AdamW", "rmsprop" => "RMSprop", "adagrad" => "Adagrad",
        "adadelta" => "Adadelta", "adamax" => "Adamax", "nadam" => "NAdam", _ => name,
    };
}
