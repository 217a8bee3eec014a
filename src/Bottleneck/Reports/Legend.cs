namespace Bottleneck.Reports;

/// <summary>
/// A box of line swatches and names. It prefers a corner inside the plot that no data passes
/// through, and otherwise asks the chart to make room for it beside the plot.
/// </summary>
internal sealed class Legend
{
    private const double FullFontSize = 12;
    private const double FullRowHeight = 18;
    private const double MinRowHeight = 12;
    private const double SwatchLength = 22;
    private const double Padding = 8;
    private const double MaxNameWidth = 200;
    // Keeps the box off the axes and gives strokes that pass close by some air.
    private const double Inset = 8;
    private const double Clearance = 3;

    private readonly IReadOnlyList<(string Name, string Colour, string? Dash)> _entries;
    private readonly double _rowHeight;
    private readonly double _fontSize;
    private readonly bool _markers;

    /// <param name="markers">Swatches are dots, as a scatter chart draws its points, instead of line strokes.</param>
    /// <param name="entries">Each series' name, colour and dash pattern (null: solid), in drawing order.</param>
    public Legend(IReadOnlyList<(string Name, string Colour, string? Dash)> entries, bool markers = false)
    {
        _markers = markers;
        // Many series: tighten the rows so the box still fits the canvas height.
        double available = ChartFrame.Height - 2 * Inset - 2 * Padding + 4;
        _rowHeight = Math.Clamp(available / Math.Max(1, entries.Count), MinRowHeight, FullRowHeight);
        _fontSize = Math.Min(FullFontSize, _rowHeight - 4);
        // Run names tend to differ at the end (seed, learning rate), so shorten them in the middle.
        _entries = entries.Select(e => (Svg.Fit(e.Name, MaxNameWidth, _fontSize, keepEnd: true), e.Colour, e.Dash)).ToArray();
        double widest = _entries.Count == 0 ? 0 : _entries.Max(e => Svg.TextWidth(e.Name, _fontSize));
        Width = 2 * Padding + SwatchLength + 6 + widest;
        Height = 2 * Padding + _entries.Count * _rowHeight - 4;
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>Right margin a chart needs for the legend to sit <paramref name="gap"/> away from its plot.</summary>
    public double OutsideMargin(double gap) => gap + Width + Inset;

    /// <summary>
    /// Top-left position <paramref name="gap"/> right of <paramref name="plot"/>, level with its top
    /// unless the box is too tall for that.
    /// </summary>
    public (double X, double Y) Beside(PlotArea plot, double gap) =>
        (plot.Right + gap, Math.Max(Inset, Math.Min(plot.Top, ChartFrame.Height - Inset - Height)));

    /// <summary>
    /// Top-left position for the legend in the first corner of <paramref name="plot"/> (top right,
    /// top left, bottom right, bottom left) that none of <paramref name="paths"/> crosses, or null.
    /// Paths are in SVG coordinates; a single-point path stands for a marker.
    /// </summary>
    public (double X, double Y)? FindFreeCorner(PlotArea plot, IEnumerable<IReadOnlyList<(double X, double Y)>> paths)
    {
        if (Width + 2 * Inset > plot.Width || Height + 2 * Inset > plot.Height)
        {
            return null;
        }
        var materialised = paths.ToArray();
        (double X, double Y)[] corners =
        [
            (plot.Right - Inset - Width, plot.Top + Inset),
            (plot.Left + Inset, plot.Top + Inset),
            (plot.Right - Inset - Width, plot.Bottom - Inset - Height),
            (plot.Left + Inset, plot.Bottom - Inset - Height),
        ];
        foreach (var corner in corners)
        {
            var box = (Left: corner.X - Clearance, Top: corner.Y - Clearance,
                       Right: corner.X + Width + Clearance, Bottom: corner.Y + Height + Clearance);
            if (!materialised.Any(path => Crosses(path, box)))
            {
                return corner;
            }
        }
        return null;
    }

    public void Draw(Svg svg, double x, double y)
    {
        svg.OpenGroup(("class", "legend"), ("font-size", Svg.Num(_fontSize)), ("fill", ChartFrame.Ink));
        svg.Rect(x, y, Width, Height, ("fill", "#FFFFFF"), ("fill-opacity", "0.9"), ("stroke", ChartFrame.GridInk), ("rx", "3"));
        for (int i = 0; i < _entries.Count; i++)
        {
            var (name, colour, dash) = _entries[i];
            double row = y + Padding + i * _rowHeight + _rowHeight / 2 - 2;
            svg.OpenGroup(("class", "legend-entry"));
            if (_markers) svg.Circle(x + Padding + SwatchLength / 2, row, 3.5, ("class", "marker"), ("fill", colour));
            else svg.Line(x + Padding, row, x + Padding + SwatchLength, row, SeriesStroke(colour, dash));
            svg.Text(x + Padding + SwatchLength + 6, row + _fontSize * 0.35, name);
            svg.CloseGroup();
        }
        svg.CloseGroup();
    }

    /// <summary>Stroke attributes shared by a series' line and its legend swatch, so the two always match.</summary>
    internal static (string Name, string Value)[] SeriesStroke(string colour, string? dash) =>
        dash is null
            ? [("stroke", colour), ("stroke-width", "2")]
            : [("stroke", colour), ("stroke-width", "2"), ("stroke-dasharray", dash)];

    private static bool Crosses(IReadOnlyList<(double X, double Y)> path, (double Left, double Top, double Right, double Bottom) box)
    {
        if (path.Count == 1)
        {
            return SegmentCrosses(path[0], path[0], box);
        }
        for (int i = 1; i < path.Count; i++)
        {
            if (SegmentCrosses(path[i - 1], path[i], box))
            {
                return true;
            }
        }
        return false;
    }

    // Liang–Barsky: clip the segment's parameter range against each edge; anything left is inside.
    private static bool SegmentCrosses((double X, double Y) a, (double X, double Y) b, (double Left, double Top, double Right, double Bottom) box)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        double enter = 0, leave = 1;
        foreach (var (p, q) in new[] { (-dx, a.X - box.Left), (dx, box.Right - a.X), (-dy, a.Y - box.Top), (dy, box.Bottom - a.Y) })
        {
            if (p == 0)
            {
                if (q < 0)
                {
                    return false; // parallel to this edge and outside it
                }
                continue;
            }
            double t = q / p;
            if (p < 0)
            {
                enter = Math.Max(enter, t);
            }
            else
            {
                leave = Math.Min(leave, t);
            }
            if (enter > leave)
            {
                return false;
            }
        }
        return true;
    }
}
