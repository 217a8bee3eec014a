using System.Globalization;

namespace Bottleneck;

/// <summary>
/// The checks settings records make of their values, written once so that every setting is refused
/// the same way and in the same words: a <see cref="SettingException"/> naming the setting.
/// </summary>
internal static class Require
{
    /// <summary>More threads than this is a typo, not a machine; a worker pool refuses it too.</summary>
    public const int MaxThreads = 1024;

    /// <summary>A thread count from 1 to <see cref="MaxThreads"/>.</summary>
    public static int Threads(int value, string setting = "threads") =>
        value is >= 1 and <= MaxThreads ? value : throw new SettingException(setting, $"must be from 1 to {MaxThreads}, got {value}");

    public static int AtLeast(int value, int minimum, string setting) =>
        value >= minimum ? value : throw new SettingException(setting, $"must be at least {minimum}, got {value}");

    public static int? AtLeast(int? value, int minimum, string setting) =>
        value is { } v ? AtLeast(v, minimum, setting) : null;

    /// <summary>A finite number greater than 0.</summary>
    public static double Positive(double value, string setting) =>
        value > 0 && double.IsFinite(value) ? value : throw new SettingException(setting, $"must be a positive number, got {Text(value)}");

    /// <summary>A finite number of at least 0.</summary>
    public static double NonNegative(double value, string setting) =>
        value >= 0 && double.IsFinite(value) ? value : throw new SettingException(setting, $"must be a number ≥ 0, got {Text(value)}");

    /// <summary>One of <paramref name="allowed"/>.</summary>
    public static string OneOf(string value, IReadOnlyCollection<string> allowed, string setting) =>
        allowed.Contains(value) ? value : throw new SettingException(setting, $"'{value}' is unknown (expected {string.Join(", ", allowed)})");

    /// <summary>The shortest text that reads back as <paramref name="value"/>: 0.001, 1E-05, NaN.</summary>
    public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
