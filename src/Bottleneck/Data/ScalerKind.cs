using System.Text.Json.Serialization;

namespace Bottleneck.Data;

/// <summary>How features are scaled before training, by the names settings and results files use.</summary>
[JsonConverter(typeof(EnumAsWord<ScalerKind>))]
public enum ScalerKind
{
    /// <summary>scikit-learn's StandardScaler: zero mean, unit variance per feature.</summary>
    Standard,
    /// <summary>scikit-learn's MinMaxScaler: each feature to [0, 1].</summary>
    MinMax,
    /// <summary>Features as they are.</summary>
    None,
}

/// <summary>Names and construction of <see cref="ScalerKind"/> values.</summary>
public static class ScalerKinds
{
    /// <summary>The names settings accept, in <see cref="ScalerKind"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["standard", "minmax", "none"];

    /// <summary>The setting's name of this scaling.</summary>
    public static string Name(this ScalerKind kind) => Names[(int)kind];

    /// <summary>Reads "standard", "minmax" or "none"; a <see cref="SettingException"/> for anything else.</summary>
    public static ScalerKind Parse(string name, string setting = "scaler") =>
        Names.IndexOf(name.ToLowerInvariant()) is var i and >= 0 ? (ScalerKind)i
        : throw new SettingException(setting, $"'{name}' is unknown (expected {string.Join(", ", Names)})");

    /// <summary>A fresh scaler of this kind; null for <see cref="ScalerKind.None"/>.</summary>
    public static Scaler? Create(this ScalerKind kind) => kind switch
    {
        ScalerKind.Standard => new StandardScaler(),
        ScalerKind.MinMax => new MinMaxScaler(),
        _ => null,
    };

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
