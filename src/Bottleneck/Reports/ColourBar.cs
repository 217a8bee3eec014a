namespace Bottleneck.Reports;

/// <summary>
/// The key to a <see cref="ColourScale"/>, drawn right of a plot: a vertical ramp with the largest
/// value at the top, the smallest and largest value written at its ends, "best" at the end holding
/// the best colour, and the quantity's name (noting a log scale) along its side.
/// </summary>
internal sealed class ColourBar
{
    private const double Gap = 18;
    private const double RampWidth = 14;
    private const double LabelGap = 5;
    private const double TitleGap = 10;
    // Keeps the ramp's ends off the plot's top and bottom, leaving room for the "best" mark.
    private const double EndRoom = 20;
    // Enough steps that neighbouring slices differ by less than the eye can tell.
    private const int Slices = 64;
    private const string BestMark = "best";

    private readonly ColourScale _scale;
    private readonly string _minText;
    private readonly string _maxText;
    private readonly string _title;
    private readonly double _labelWidth;

    public ColourBar(ColourScale scale, string valueLabel)
    {
        _scale = scale;
        _minText = NumberText.Significant(scale.Min, 4);
        _maxText = NumberText.Significant(scale.Max, 4);
        _title = scale.IsLog ? (valueLabel.Length > 0 ? $"{valueLabel} (log scale)" : "log scale") : valueLabel;
        _labelWidth = Math.Max(Svg.TextWidth(_minText, ChartFrame.TickFontSize), Svg.TextWidth(_maxText, ChartFrame.TickFontSize));
        double title = _title.Length > 0 ? TitleGap + ChartFrame.LabelFontSize : 0;
        Width = Gap + RampWidth + LabelGap + _labelWidth + title;
    }

    /// <summary>Room the bar needs right of the plot, measured from the plot's edge.</summary>
    public double Width { get; }

    public void Draw(Svg svg, PlotArea plot)
    {
        double left = plot.Right + Gap;
        double top = plot.Top + EndRoom;
        double bottom = plot.Bottom - EndRoom;
        double fontSize = ChartFrame.TickFontSize;

        svg.OpenGroup(("class", "colour-bar"));
        svg.OpenGroup(("class", "ramp"));
        if (_scale.IsFlat)
        {
            svg.Rect(left, top, RampWidth, bottom - top, ("fill", _scale.Colour(_scale.Min)));
        }
        else
        {
            double slice = (bottom - top) / Slices;
            for (int i = 0; i < Slices; i++)
            {
                // Each slice reaches half a unit into the one below, so no hairline seams show between them.
                double height = i == 0 ? slice : slice + 0.5;
                svg.Rect(left, bottom - (i + 1) * slice, RampWidth, height, ("fill", _scale.ColourAtFraction((i + 0.5) / Slices)));
            }
        }
        svg.CloseGroup();
        svg.Rect(left, top, RampWidth, bottom - top,
            ("class", "frame"), ("fill", "none"), ("stroke", ChartFrame.AxisInk), ("shape-rendering", "crispEdges"));

        double labelX = left + RampWidth + LabelGap;
        svg.OpenGroup(("class", "ticks"), ("font-size", Svg.Num(fontSize)), ("fill", ChartFrame.MutedInk));
        if (_scale.IsFlat)
        {
            svg.Text(labelX, (top + bottom) / 2 + fontSize * 0.35, _minText);
        }
        else
        {
            svg.Text(labelX, top + fontSize * 0.35, _maxText);
            svg.Text(labelX, bottom + fontSize * 0.35, _minText);
        }
        svg.CloseGroup();

        // The best colour sits at the bottom when lower is better, at the top otherwise.
        double markY = _scale.LowerIsBetter ? bottom + 7 + fontSize * 0.7 : top - 7;
        svg.Text(left + RampWidth / 2, markY, BestMark, ("class", "best-mark"), ("text-anchor", "middle"),
            ("font-size", Svg.Num(fontSize)), ("font-weight", "700"), ("fill", ChartFrame.Ink));

        if (_title.Length > 0)
        {
            double x = labelX + _labelWidth + TitleGap + ChartFrame.LabelFontSize / 2;
            double y = (top + bottom) / 2;
            svg.Text(x, y, Svg.Fit(_title, bottom - top, ChartFrame.LabelFontSize),
                ("class", "label"), ("text-anchor", "middle"), ("fill", ChartFrame.Ink),
                ("transform", $"rotate(-90 {Svg.Num(x)} {Svg.Num(y)})"));
        }
        svg.CloseGroup();
    }
}
