namespace Bottleneck.Reports;

/// <summary>
/// Chooses tick values that people read easily: multiples of 1, 2 or 5 × 10^k. The first and last
/// tick enclose the data, so they double as the axis limits.
/// </summary>
internal static class NiceScale
{
    private static readonly int[] Mantissas = [1, 2, 5];

    // About six labelled ticks fit comfortably on either axis of a 640×400 chart.
    private const int TargetIntervals = 5;

    /// <summary>
    /// Evenly spaced ticks covering [<paramref name="min"/>, <paramref name="max"/>], about five
    /// gaps apart as far as 1-2-5 steps allow; with <paramref name="integer"/>, whole-number steps only
    /// (epochs: a 3-epoch run gets ticks 1, 2, 3, not 1, 1.5, 2).
    /// </summary>
    internal static double[] Linear(double min, double max, bool integer = false)
    {
        if (!(max - min > 1e-9 * Math.Max(Math.Abs(min), Math.Abs(max))))
        {
            // A flat series still needs a visible band around it. Differences at the level of
            // rounding noise count as flat too: no tick labels could tell such values apart.
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.5;
            (min, max) = (min == 0 ? 0 : min - pad, max + pad);
        }

        int exponent = (int)Math.Floor(Math.Log10((max - min) / TargetIntervals));
        (long first, long last, int mantissa, int stepExponent) best = default;
        (long miss, double span) bestScore = (long.MaxValue, double.PositiveInfinity);
        // The ideal step lies between 1 and 10 × 10^exponent, so the best nice step is among these four.
        foreach (var (mantissa, e) in new[] { (1, exponent), (2, exponent), (5, exponent), (1, exponent + 1) })
        {
            // Below a step of 1, whole-number data falls back to a step of exactly 1.
            var (m, ex) = integer && Scaled(mantissa, e) < 1 ? (1, 0) : (mantissa, e);
            double step = Scaled(m, ex);
            // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from growing an extra tick.
            long first = (long)Math.Floor(min / step + 1e-9);
            long last = (long)Math.Ceiling(max / step - 1e-9);
            // Closest tick count wins; on a tie, the tighter fit wastes less of the plot on empty range.
            (long miss, double span) score = (Math.Abs(last - first - TargetIntervals), (last - first) * step);
            if (score.miss < bestScore.miss || (score.miss == bestScore.miss && score.span < bestScore.span))
            {
                (best, bestScore) = ((first, last, m, ex), score);
            }
        }

        var ticks = new double[best.last - best.first + 1];
        for (long i = best.first; i <= best.last; i++)
        {
            ticks[i - best.first] = Scaled(i * best.mantissa, best.stepExponent);
        }
        return ticks;
    }

    /// <summary>
    /// Ticks for a log10 axis covering [<paramref name="min"/>, <paramref name="max"/>] (both positive).
    /// Spans of up to two decades also get 2 and 5 between the powers of ten so the axis is not
    /// left with only two labels; very wide spans label every n-th power to stay legible.
    /// </summary>
    internal static double[] Log10(double min, double max)
    {
        if (!(max > min * (1 + 1e-6)))
        {
            // A flat series: give it a factor of two either way so there are ticks to read.
            (min, max) = (min / 2, max * 2);
        }
        int low = (int)Math.Floor(Math.Log10(min) + 1e-9);
        int high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);

        if (high - low <= 2)
        {
            var candidates = new List<double>();
            for (int e = low; e <= high; e++)
            {
                candidates.AddRange(Mantissas.Select(m => Scaled(m, e)));
            }
            // Trim to the tightest 1-2-5 values enclosing the data.
            int start = candidates.FindLastIndex(t => t <= min * (1 + 1e-9));
            int end = candidates.FindIndex(t => t >= max * (1 - 1e-9));
            var ticks = candidates.GetRange(start, end - start + 1).ToArray();
            if (ticks.Length >= 4) return ticks;
            // Less than a decade or so: two or three 1-2-5 values say too little, and evenly spaced values (all positive
            // here) read better on so narrow a log axis.
            var linear = Linear(min, max);
            return linear[0] > 0 ? linear : ticks;
        }

        const int MaxLabels = 9;
        int every = (high - low + MaxLabels - 2) / (MaxLabels - 1);
        low = (int)Math.Floor(low / (double)every) * every;
        high = (int)Math.Ceiling(high / (double)every) * every;
        var powers = new List<double>();
        for (int e = low; e <= high; e += every)
        {
            powers.Add(Scaled(1, e));
        }
        return powers.ToArray();
    }

    /// <summary>
    /// <paramref name="mantissa"/> × 10^<paramref name="exponent"/>, correctly rounded: multiplying
    /// by 0.1 would give 0.30000000000000004, dividing by the exact integer 10 gives 0.3.
    /// </summary>
    private static double Scaled(long mantissa, int exponent) =>
        exponent >= 0 ? mantissa * Math.Pow(10, exponent) : mantissa / Math.Pow(10, -exponent);
}
