using System.Globalization;

namespace Bottleneck.Reports;

/// <summary>
/// Human-readable numbers for labels. Output always parses back with
/// <see cref="double.Parse(string, IFormatProvider)"/> and the invariant culture, so a reader
/// (or a test) can recover the value from the chart.
/// </summary>
internal static class NumberText
{
    // Outside this band plain decimals get long ("0.00001234", "12300000"), so switch to 1.234e-5.
    private const int SmallestPlainExponent = -4;
    private const int LargestPlainExponent = 5;

    /// <summary>
    /// <paramref name="value"/> with about <paramref name="digits"/> significant digits and no
    /// trailing zeros; integers keep all their digits rather than turning into exponents.
    /// </summary>
    internal static string Significant(double value, int digits)
    {
        if (value == 0)
        {
            return "0";
        }
        int exponent = Exponent(value);
        if (exponent is < SmallestPlainExponent or > LargestPlainExponent)
        {
            return Scientific(value, digits);
        }
        int decimals = Math.Clamp(digits - 1 - exponent, 0, 15);
        return TrimZeros(Plain(Math.Round(value, decimals), decimals));
    }

    /// <summary>
    /// <see cref="Significant"/>, or the exponent form when that is shorter ("1.33e-4" rather than
    /// "0.000133"), for labels that must fit a small space.
    /// </summary>
    internal static string Compact(double value, int digits)
    {
        string plain = Significant(value, digits);
        if (value == 0)
        {
            return plain;
        }
        string scientific = Scientific(value, digits);
        return scientific.Length < plain.Length ? scientific : plain;
    }

    /// <summary>
    /// Labels for evenly spaced ticks. One style for the whole axis: every label gets the decimals
    /// the step needs ("0.0", "0.5", "1.0"), or all switch to exponent form together.
    /// </summary>
    internal static string[] LinearTicks(IReadOnlyList<double> ticks)
    {
        int stepExponent = Exponent(ticks[1] - ticks[0]);
        bool scientific = stepExponent < SmallestPlainExponent || ticks.Max(t => Exponent(t)) > LargestPlainExponent;
        if (scientific)
        {
            // Enough mantissa digits to tell neighbouring ticks apart.
            return ticks.Select(t => t == 0 ? "0" : Scientific(t, Math.Max(1, Exponent(t) - stepExponent + 1))).ToArray();
        }
        int decimals = Math.Max(0, -stepExponent);
        return ticks.Select(t => Plain(t, decimals)).ToArray();
    }

    /// <summary>Labels for 1-2-5 × 10^k ticks of a log axis, all plain or all in exponent form.</summary>
    internal static string[] LogTicks(IReadOnlyList<double> ticks)
    {
        bool scientific = ticks.Any(t => Exponent(t) is < SmallestPlainExponent or > LargestPlainExponent);
        return ticks
            .Select(t => scientific ? Scientific(t, 1) : Plain(t, Math.Max(0, -Exponent(t))))
            .ToArray();
    }

    /// <summary>Decimal exponent of |value|; 0 for 0 so callers need no special case.</summary>
    private static int Exponent(double value) =>
        value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)) + 1e-9);

    private static string Scientific(double value, int digits) =>
        value.ToString("0." + new string('#', Math.Max(0, digits - 1)) + "e0", CultureInfo.InvariantCulture);

    // Adding 0.0 turns a negative zero into a positive one, so nothing prints as "-0".
    private static string Plain(double value, int decimals) =>
        (value + 0.0).ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string TrimZeros(string plain) =>
        plain.Contains('.') ? plain.TrimEnd('0').TrimEnd('.') : plain;
}
