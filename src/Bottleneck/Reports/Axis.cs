namespace Bottleneck.Reports;

/// <summary>
/// A numeric axis: its limits, tick values with their labels, and the mapping from data values
/// to a 0..1 position along the axis. Pixel geometry lives in <see cref="PlotArea"/>, so the same
/// axis serves horizontal and vertical use.
/// </summary>
internal sealed class Axis
{
    private readonly bool _isLog;
    private readonly double _low;
    private readonly double _high;

    private Axis(double[] ticks, string[] labels, bool isLog)
    {
        Ticks = ticks;
        Labels = labels;
        _isLog = isLog;
        _low = Transform(ticks[0]);
        _high = Transform(ticks[^1]);
    }

    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Text for each entry of <see cref="Ticks"/>, same order.</summary>
    public IReadOnlyList<string> Labels { get; }

    public double Min => Ticks[0];

    public double Max => Ticks[^1];

    /// <summary>A linear axis covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>]; with <paramref name="integer"/>, ticks at whole numbers only.</summary>
    internal static Axis Linear(double dataMin, double dataMax, bool integer = false)
    {
        double[] ticks = NiceScale.Linear(dataMin, dataMax, integer);
        return new Axis(ticks, NumberText.LinearTicks(ticks), isLog: false);
    }

    /// <summary>A log10 axis covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>]; both must be positive.</summary>
    internal static Axis Log(double dataMin, double dataMax)
    {
        double[] ticks = NiceScale.Log10(dataMin, dataMax);
        // Over less than a decade the ticks are evenly spaced values (0.06, 0.08, 0.10, …), which need the linear labels' digits.
        bool oneTwoFive = ticks.All(t => Math.Round(t / Math.Pow(10, Math.Floor(Math.Log10(t) + 1e-9)), 6) is 1 or 2 or 5);
        return new Axis(ticks, oneTwoFive ? NumberText.LogTicks(ticks) : NumberText.LinearTicks(ticks), isLog: true);
    }

    /// <summary>Position of <paramref name="value"/> from <see cref="Min"/> (0) to <see cref="Max"/> (1).</summary>
    public double Fraction(double value) => (Transform(value) - _low) / (_high - _low);

    private double Transform(double value) => _isLog ? Math.Log10(value) : value;
}
