namespace Bottleneck.Reports;

/// <summary>
/// Maps values onto <see cref="ColourRamp"/> so that the best value gets the light (yellow) end and
/// the worst the dark end. The range is that of the finite values only: a diverged run's NaN or
/// infinity has no colour and would otherwise squash every real difference into one shade.
/// </summary>
internal sealed class ColourScale
{
    private readonly double _low;
    private readonly double _high;

    private ColourScale(double min, double max, bool isLog, bool lowerIsBetter)
    {
        Min = min;
        Max = max;
        IsLog = isLog;
        LowerIsBetter = lowerIsBetter;
        _low = Transform(min);
        _high = Transform(max);
    }

    /// <summary>Smallest finite value.</summary>
    public double Min { get; }

    /// <summary>Largest finite value.</summary>
    public double Max { get; }

    /// <summary>Colours follow log10 of the values, so each decade gets the same share of the ramp.</summary>
    public bool IsLog { get; }

    public bool LowerIsBetter { get; }

    /// <summary>All finite values are equal: there is only one colour, the best.</summary>
    public bool IsFlat => !(_high > _low);

    /// <summary>
    /// The scale for the finite entries of <paramref name="values"/>, or null if there are none.
    /// A log scale is used only when asked for and every finite value is positive; otherwise linear.
    /// </summary>
    internal static ColourScale? For(IEnumerable<double> values, bool lowerIsBetter, bool log)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return null;
        }
        double min = finite.Min(), max = finite.Max();
        return new ColourScale(min, max, log && min > 0, lowerIsBetter);
    }

    /// <summary>Colour of a finite <paramref name="value"/>; on a flat scale every value is the best.</summary>
    public string Colour(double value) =>
        IsFlat ? ColourRamp.At(1) : ColourAtFraction(Math.Clamp((Transform(value) - _low) / (_high - _low), 0, 1));

    /// <summary>Colour at <paramref name="fraction"/> of the way from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public string ColourAtFraction(double fraction) => ColourRamp.At(LowerIsBetter ? 1 - fraction : fraction);

    private double Transform(double value) => IsLog ? Math.Log10(value) : value;
}
