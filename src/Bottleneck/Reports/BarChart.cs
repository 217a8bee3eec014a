namespace Bottleneck.Reports;

/// <summary>
/// Renders one value per category (e.g. final loss per model) as vertical bars in a standalone
/// SVG 1.1 document (no scripts, fonts or external resources), with value labels and optional
/// error bars.
/// </summary>
internal static class BarChart
{
    private const string Diverged = "diverged";
    private const double MaxBarWidth = 72;
    private const double BarFill = 0.62;
    private const double CategoryFontSize = 11;
    private const double MaxCategoryWidth = 150;
    private const double CapWidth = 0.3;
    // Extra range above the tallest bar (and below the deepest) so its value label stays inside.
    private const double Headroom = 0.1;

    /// <summary>Renders <paramref name="bars"/> left to right in the given order.</summary>
    /// <param name="title">Chart heading.</param>
    /// <param name="yLabel">Value axis title; empty for none.</param>
    /// <param name="bars">Categories to draw. A non-finite value is shown as a "diverged" slot.</param>
    /// <returns>The SVG document as a string.</returns>
    internal static string Render(string title, string yLabel, IReadOnlyList<Bar> bars)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(bars);

        var svg = ChartFrame.Begin(title);
        if (bars.Count == 0)
        {
            ChartFrame.NoData(svg, ChartFrame.Plot(ChartFrame.MinimumMargin, ChartFrame.MinimumMargin, ChartFrame.BottomMargin("")));
            return svg.ToString();
        }

        var yAxis = ValueAxis(bars);
        var categories = bars.Select(b => Svg.Fit(b.Label, MaxCategoryWidth, CategoryFontSize, keepEnd: true)).ToArray();
        double widest = categories.Max(c => Svg.TextWidth(c, CategoryFontSize));

        double left = ChartFrame.LeftMargin(yAxis, yLabel);
        double right = ChartFrame.MinimumMargin;
        double band = (ChartFrame.Width - left - right) / bars.Count;
        bool tilt = widest > band - 6;
        double bottom = 30;
        if (tilt)
        {
            (double depth, left) = ChartFrame.TiltedCategories(categories[0], widest, band, left, CategoryFontSize);
            bottom = 22 + depth;
            band = (ChartFrame.Width - left - right) / bars.Count;
        }
        var plot = ChartFrame.Plot(left, right, bottom);

        ChartFrame.YAxis(svg, plot, yAxis, yLabel);
        double zeroY = plot.Y(yAxis, 0);
        double barWidth = Math.Min(band * BarFill, MaxBarWidth);
        var valueLabels = bars.Select(b => double.IsFinite(b.Value) ? NumberText.Significant(b.Value, 4) : Diverged).ToArray();
        // Shrink value labels together rather than let neighbours collide on crowded charts.
        double valueFontSize = Math.Clamp((band - 4) / valueLabels.Max(l => Svg.TextWidth(l, 1)), 8, 11);

        svg.OpenGroup(("class", "bars"));
        for (int i = 0; i < bars.Count; i++)
        {
            double center = plot.Left + band * (i + 0.5);
            DrawBar(svg, bars[i], valueLabels[i], center, barWidth, zeroY, plot, yAxis, valueFontSize);
        }
        svg.CloseGroup();
        ChartFrame.Baseline(svg, plot, zeroY);

        svg.OpenGroup(("class", "categories"), ("font-size", Svg.Num(CategoryFontSize)), ("fill", ChartFrame.Ink),
            ("text-anchor", tilt ? "end" : "middle"));
        for (int i = 0; i < bars.Count; i++)
        {
            ChartFrame.CategoryLabel(svg, plot, plot.Left + band * (i + 0.5), categories[i], tilt);
        }
        svg.CloseGroup();
        return svg.ToString();
    }

    /// <summary>
    /// A value axis that always includes zero (bar length must be proportional to value) and
    /// ignores diverged bars, whose infinite or undefined height would otherwise swamp the scale.
    /// </summary>
    private static Axis ValueAxis(IReadOnlyList<Bar> bars)
    {
        double low = 0, high = 0;
        foreach (var bar in bars.Where(b => double.IsFinite(b.Value)))
        {
            double error = ErrorOf(bar);
            high = Math.Max(high, bar.Value >= 0 ? bar.Value + error : bar.Value);
            low = Math.Min(low, bar.Value < 0 ? bar.Value - error : bar.Value);
        }
        double span = high - low;
        return Axis.Linear(low < 0 ? low - Headroom * span : 0, high > 0 ? high + Headroom * span : 0);
    }

    private static void DrawBar(Svg svg, Bar bar, string valueLabel, double center, double width,
        double zeroY, PlotArea plot, Axis axis, double valueFontSize)
    {
        bool diverged = !double.IsFinite(bar.Value);
        svg.OpenGroup(("class", diverged ? "bar diverged" : "bar"));
        svg.Title($"{bar.Label}: {Describe(bar)}");
        if (diverged)
        {
            // Nothing to measure, so the slot stays empty apart from a note next to the baseline
            // (on the side with room: below it when every bar is negative).
            double noteY = zeroY > plot.Top + 20 ? zeroY - 6 : zeroY + valueFontSize + 4;
            svg.Text(center, noteY, valueLabel, ("text-anchor", "middle"), ("font-size", Svg.Num(valueFontSize)),
                ("font-style", "italic"), ("fill", ChartFrame.AxisInk));
            svg.CloseGroup();
            return;
        }

        double valueY = plot.Y(axis, bar.Value);
        svg.Rect(center - width / 2, Math.Min(zeroY, valueY), width, Math.Abs(zeroY - valueY), ("fill", Palette.Colour(0)));

        double error = ErrorOf(bar);
        double outerY = valueY; // the end of the bar or whisker farthest from zero, where the label goes
        if (error > 0)
        {
            // Whiskers cannot leave the plot: a positive bar's lower whisker may only reach the axis minimum.
            double lowY = plot.Y(axis, Math.Max(bar.Value - error, axis.Min));
            double highY = plot.Y(axis, Math.Min(bar.Value + error, axis.Max));
            double cap = width * CapWidth / 2;
            svg.OpenGroup(("class", "error"), ("stroke", ChartFrame.Ink), ("stroke-width", "1.5"));
            svg.Line(center, lowY, center, highY);
            if (bar.Value + error <= axis.Max)
            {
                svg.Line(center - cap, highY, center + cap, highY);
            }
            if (bar.Value - error >= axis.Min)
            {
                svg.Line(center - cap, lowY, center + cap, lowY);
            }
            svg.CloseGroup();
            outerY = bar.Value >= 0 ? highY : lowY;
        }

        double labelY = bar.Value >= 0 ? outerY - 5 : outerY + valueFontSize + 3;
        svg.Text(center, labelY, valueLabel, ("class", "value"), ("text-anchor", "middle"),
            ("font-size", Svg.Num(valueFontSize)), ("fill", ChartFrame.Ink));
        svg.CloseGroup();
    }

    /// <summary>Tooltip text: the value with its error, or why there is no bar.</summary>
    private static string Describe(Bar bar)
    {
        if (!double.IsFinite(bar.Value))
        {
            return $"{Diverged} ({bar.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
        }
        string value = NumberText.Significant(bar.Value, 4);
        double error = ErrorOf(bar);
        return error > 0 ? $"{value} ± {NumberText.Significant(error, 3)}" : value;
    }

    // An error that is missing, NaN or infinite draws nothing; a negative one is read as its size.
    private static double ErrorOf(Bar bar) =>
        bar.Error is { } e && double.IsFinite(e) ? Math.Abs(e) : 0;
}
