using System.Globalization;

namespace Bottleneck.Analysis;

/// <summary>Corruption levels as settings write them: <c>start:stop:step</c> (stop included, within rounding) or a list, e.g. <c>0:1:0.1</c> or <c>0,0.25,0.5</c>.</summary>
public static class Levels
{
    /// <summary>More levels than this is a typo in a step.</summary>
    public const int MaxCount = 10_000;

    /// <summary>The levels <paramref name="text"/> names (none for an empty text); a <see cref="SettingException"/> for <paramref name="setting"/> otherwise.</summary>
    public static IReadOnlyList<double> Parse(string text, string setting)
    {
        text = text.Trim();
        if (text.Length == 0) return [];
        if (text.Contains(':'))
        {
            var parts = text.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 3) throw new SettingException(setting, $"{text}: a range is start:stop:step, e.g. 0:1:0.1");
            double start = Number(parts[0], text, setting), stop = Number(parts[1], text, setting), step = Number(parts[2], text, setting);
            if (!(step > 0)) throw new SettingException(setting, $"{text}: the step must be positive");
            if (stop < start) throw new SettingException(setting, $"{text}: stop {parts[1]} is below start {parts[0]}");
            // In double: a tiny step makes a count no integer holds, which must be refused, not wrapped round.
            double count = Math.Floor((stop - start) / step + 1e-9) + 1;
            if (!(count <= MaxCount)) throw new SettingException(setting, $"{text}: {(double.IsFinite(count) ? count.ToString("N0", CultureInfo.InvariantCulture) : "too many")} levels is too many (at most {MaxCount:N0})");
            return [.. Enumerable.Range(0, (int)count).Select(i => Math.Round(start + i * step, 12))];
        }
        var levels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => Number(s, text, setting)).ToList();
        if (levels.Count > MaxCount) throw new SettingException(setting, $"{text}: {levels.Count:N0} levels is too many (at most {MaxCount:N0})");
        return levels;
    }

    private static double Number(string s, string text, string setting) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new SettingException(setting, $"{text}: '{s}' is not a number");
}
