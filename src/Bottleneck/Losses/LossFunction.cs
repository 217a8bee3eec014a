using System.Text.Json.Serialization;

namespace Bottleneck.Losses;

/// <summary>The losses a training run can minimise, by the names settings and results files use.</summary>
[JsonConverter(typeof(EnumAsWord<LossFunction>))]
public enum LossFunction
{
    /// <summary>Mean squared error (PyTorch's MSELoss).</summary>
    Mse,
    /// <summary>Binary cross-entropy with Keras semantics (<see cref="BCELoss"/>).</summary>
    Bce,
}

/// <summary>Names and construction of <see cref="LossFunction"/> values.</summary>
public static class LossFunctions
{
    /// <summary>The names settings accept, in the order help lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mse", "bce"];

    /// <summary>"mse" or "bce".</summary>
    public static string Name(this LossFunction loss) => loss == LossFunction.Mse ? "mse" : "bce";

    /// <summary>Reads "mse" or "bce" (any case); a <see cref="SettingException"/> for anything else.</summary>
    public static LossFunction Parse(string name, string setting = "loss") => name.ToLowerInvariant() switch
    {
        "mse" => LossFunction.Mse,
        "bce" => LossFunction.Bce,
        _ => throw new SettingException(setting, $"'{name}' is unknown (expected mse or bce)"),
    };

    /// <summary>A fresh loss object of this kind.</summary>
    public static Loss Create(this LossFunction loss) => loss == LossFunction.Mse ? new MSELoss() : new BCELoss();
}
