namespace Bottleneck.Reports;

/// <summary>
/// What every chart shares: canvas size, title, colours of the non-data ink, margins, and the
/// drawing of numeric axes with their grid. Charts decide only how their data is laid out.
/// </summary>
internal static class ChartFrame
{
    public const double Width = 640;
    public const double Height = 400;
    public const double TickFontSize = 11;
    public const double LabelFontSize = 12;
    public const double MinimumMargin = 20;
    // Between tick (or category) labels and the plot edge.
    public const double TickGap = 6;

    public const string Ink = "#222222";
    public const string MutedInk = "#555555";
    public const string AxisInk = "#888888";
    public const string GridInk = "#E6E6E6";

    private const double TitleFontSize = 15;
    private const double PlotTop = 44;
    private const double YLabelCenter = 16;
    private const double YLabelGap = 10;

    /// <summary>Category labels that do not fit side by side are tilted by this many degrees.</summary>
    public const double LabelTilt = 35;

    /// <summary>
    /// Where tilted category labels reach: how far below the plot (the widest label's drop), and the
    /// left margin that keeps the first label, which reaches left of its slot, on the canvas.
    /// </summary>
    internal static (double Depth, double Left) TiltedCategories(string first, double widest, double band, double left, double fontSize)
    {
        double radians = LabelTilt * Math.PI / 180;
        double overhang = Svg.TextWidth(first, fontSize) * Math.Cos(radians) - band / 2;
        return (widest * Math.Sin(radians), Math.Max(left, overhang + 4));
    }

    /// <summary>One category's label under the plot at x, tilted when the labels are crowded.</summary>
    internal static void CategoryLabel(Svg svg, PlotArea plot, double x, string text, bool tilt)
    {
        double y = plot.Bottom + (tilt ? 12 : 16);
        if (tilt) svg.Text(x, y, text, ("transform", $"rotate({Svg.Num(-LabelTilt)} {Svg.Num(x)} {Svg.Num(y)})"));
        else svg.Text(x, y, text);
    }

    /// <summary>A white canvas with the title; <paramref name="height"/> for charts that need more room than the default.</summary>
    internal static Svg Begin(string title, double height = Height)
    {
        var svg = new Svg(Width, height, title);
        // An explicit background keeps the chart readable in dark-themed viewers and reports.
        svg.Rect(0, 0, Width, height, ("fill", "#FFFFFF"));
        svg.Text(Width / 2, 27, Svg.Fit(title, Width - 2 * MinimumMargin, TitleFontSize),
            ("class", "title"), ("text-anchor", "middle"), ("font-size", Svg.Num(TitleFontSize)),
            ("font-weight", "600"), ("fill", Ink));
        return svg;
    }

    /// <summary>Plot rectangle under the title band, inset by the given margins from a canvas <paramref name="height"/> tall.</summary>
    internal static PlotArea Plot(double left, double right, double bottom, double height = Height) =>
        new(left, PlotTop, Width - left - right, height - PlotTop - bottom);

    /// <summary>Space below the plot for one row of tick labels plus, if present, the x axis title.</summary>
    internal static double BottomMargin(string xLabel) => xLabel.Length > 0 ? 50 : 30;

    /// <summary>Space left of the plot for y tick labels plus, if present, the rotated y axis title.</summary>
    internal static double LeftMargin(Axis y, string yLabel) => LeftMargin(TickLabelWidth(y), yLabel);

    /// <summary>Space left of the plot for labels up to <paramref name="labelWidth"/> wide plus, if present, the rotated y axis title.</summary>
    internal static double LeftMargin(double labelWidth, string yLabel)
    {
        double title = yLabel.Length > 0 ? YLabelCenter + LabelFontSize / 2 + YLabelGap : 8;
        return Math.Max(MinimumMargin, title + labelWidth + TickGap);
    }

    /// <summary>Horizontal grid lines with tick labels at the left, and the rotated axis title.</summary>
    internal static void YAxis(Svg svg, PlotArea plot, Axis axis, string label)
    {
        svg.OpenGroup(("class", "y-axis"));
        svg.OpenGroup(("class", "grid"), ("stroke", GridInk), ("shape-rendering", "crispEdges"));
        foreach (double tick in axis.Ticks)
        {
            double y = plot.Y(axis, tick);
            svg.Line(plot.Left, y, plot.Right, y);
        }
        svg.CloseGroup();
        svg.OpenGroup(("class", "ticks"), ("text-anchor", "end"), ("font-size", Svg.Num(TickFontSize)), ("fill", MutedInk));
        for (int i = 0; i < axis.Ticks.Count; i++)
        {
            // Alphabetic baseline shifted by about a third of the font size centres digits on the line
            // without relying on dominant-baseline, which some renderers ignore.
            svg.Text(plot.Left - TickGap, plot.Y(axis, axis.Ticks[i]) + TickFontSize * 0.35, axis.Labels[i]);
        }
        svg.CloseGroup();
        YTitle(svg, plot, TickLabelWidth(axis), label);
        svg.CloseGroup();
    }

    /// <summary>
    /// The rotated y axis title left of labels up to <paramref name="labelWidth"/> wide that end
    /// <see cref="TickGap"/> left of the plot; nothing when <paramref name="label"/> is empty.
    /// </summary>
    internal static void YTitle(Svg svg, PlotArea plot, double labelWidth, string label)
    {
        if (label.Length > 0)
        {
            // Hug the labels even when a chart widened its left margin for other reasons.
            double x = plot.Left - TickGap - labelWidth - YLabelGap - LabelFontSize / 2;
            double y = plot.CenterY;
            svg.Text(x, y, Svg.Fit(label, plot.Height, LabelFontSize),
                ("class", "label"), ("text-anchor", "middle"), ("fill", Ink),
                ("transform", $"rotate(-90 {Svg.Num(x)} {Svg.Num(y)})"));
        }
    }

    /// <summary>Vertical grid lines with tick labels underneath, and the axis title below them.</summary>
    internal static void XAxis(Svg svg, PlotArea plot, Axis axis, string label)
    {
        svg.OpenGroup(("class", "x-axis"));
        svg.OpenGroup(("class", "grid"), ("stroke", GridInk), ("shape-rendering", "crispEdges"));
        foreach (double tick in axis.Ticks)
        {
            double x = plot.X(axis, tick);
            svg.Line(x, plot.Top, x, plot.Bottom);
        }
        svg.CloseGroup();
        svg.OpenGroup(("class", "ticks"), ("text-anchor", "middle"), ("font-size", Svg.Num(TickFontSize)), ("fill", MutedInk));
        for (int i = 0; i < axis.Ticks.Count; i++)
        {
            svg.Text(plot.X(axis, axis.Ticks[i]), plot.Bottom + 16, axis.Labels[i]);
        }
        svg.CloseGroup();
        XTitle(svg, plot, plot.Bottom + 38, label);
        svg.CloseGroup();
    }

    /// <summary>The x axis title centred under the plot with its baseline at <paramref name="y"/>; nothing when empty.</summary>
    internal static void XTitle(Svg svg, PlotArea plot, double y, string label)
    {
        if (label.Length > 0)
        {
            svg.Text(plot.CenterX, y, Svg.Fit(label, plot.Width, LabelFontSize),
                ("class", "label"), ("text-anchor", "middle"), ("fill", Ink));
        }
    }

    /// <summary>A darker rule along the value axis origin (or the plot floor), drawn over the grid.</summary>
    /// <summary>
    /// The plot of an x-y chart, with room for its tick labels and axis titles, and where its legend goes: in a corner of
    /// the plot that no mark covers (<paramref name="marks"/> gives the marks' screen points for a plot), or else beside
    /// the plot, which narrows to make room. No legend, no place for one.
    /// </summary>
    internal static (PlotArea Plot, (double X, double Y)? Legend) LayOut(Axis x, Axis y, string xLabel, string yLabel, Legend? legend,
                                                                      Func<PlotArea, IEnumerable<IReadOnlyList<(double X, double Y)>>> marks)
    {
        double left = LeftMargin(y, yLabel);
        // The last x tick label is centred on the plot's right edge, so half of it hangs outside.
        double right = Math.Max(MinimumMargin, Svg.TextWidth(x.Labels[^1], TickFontSize) / 2 + 4);
        double bottom = BottomMargin(xLabel);
        var plot = Plot(left, right, bottom);
        if (legend is null) return (plot, null);
        if (legend.FindFreeCorner(plot, marks(plot)) is { } corner) return (plot, corner);
        // The gap equals the right margin, which already clears the last x tick label.
        plot = Plot(left, legend.OutsideMargin(right), bottom);
        return (plot, legend.Beside(plot, right));
    }

    /// <summary>Both axes with their grid, tick labels and titles, and the baseline along the bottom.</summary>
    internal static void Axes(Svg svg, PlotArea plot, Axis x, Axis y, string xLabel, string yLabel)
    {
        YAxis(svg, plot, y, yLabel);
        XAxis(svg, plot, x, xLabel);
        Baseline(svg, plot, plot.Bottom);
    }

    internal static void Baseline(Svg svg, PlotArea plot, double y) =>
        svg.Line(plot.Left, y, plot.Right, y, ("class", "baseline"), ("stroke", AxisInk), ("shape-rendering", "crispEdges"));

    private static double TickLabelWidth(Axis axis) => axis.Labels.Max(label => Svg.TextWidth(label, TickFontSize));

    /// <summary>An outlined empty plot with a note, so a chart without data still says why it is blank.</summary>
    internal static void NoData(Svg svg, PlotArea plot)
    {
        svg.Rect(plot.Left, plot.Top, plot.Width, plot.Height,
            ("class", "frame"), ("fill", "none"), ("stroke", GridInk), ("shape-rendering", "crispEdges"));
        svg.Text(plot.CenterX, plot.CenterY, "no data",
            ("class", "no-data"), ("text-anchor", "middle"), ("fill", AxisInk), ("font-style", "italic"));
    }
}
