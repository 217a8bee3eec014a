namespace Bottleneck.Reports;

/// <summary>
/// Renders curves such as training and validation loss against epoch as a standalone SVG 1.1
/// document (no scripts, fonts or external resources), with a legend, optional error bars and an optional log y axis.
/// </summary>
internal static class LineChart
{
    // When no curve has more points than this, all get dots, so sparse evaluations read as measurements.
    private const int MarkerThreshold = 20;
    private const double MarkerRadius = 2.5;

    /// <summary>Renders <paramref name="series"/> as one line each.</summary>
    /// <param name="title">Chart heading.</param>
    /// <param name="xLabel">Horizontal axis title; empty for none.</param>
    /// <param name="yLabel">Vertical axis title; empty for none.</param>
    /// <param name="series">Curves in legend order; colours follow the same order.</param>
    /// <param name="logY">Use a log10 y axis. Points with y ≤ 0 cannot be shown on it and are skipped.</param>
    /// <returns>The SVG document as a string.</returns>
    /// <exception cref="ArgumentException">A series has different numbers of x and y values.</exception>
    internal static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count || (s.Error is { } e && e.Count != s.Y.Count))
            {
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values, {s.Y.Count} y values and {s.Error?.Count ?? s.Y.Count} errors.", nameof(series));
            }
        }

        var svg = ChartFrame.Begin(title);
        var runs = series.Select(s => Runs(s, logY)).ToArray();
        var points = runs.SelectMany(r => r).SelectMany(run => run).ToArray();
        if (points.Length == 0)
        {
            ChartFrame.NoData(svg, ChartFrame.Plot(ChartFrame.MinimumMargin, ChartFrame.MinimumMargin, ChartFrame.BottomMargin(xLabel)));
            return svg.ToString();
        }

        var bars = series.Select(s => ErrorBars(s, logY)).ToArray();
        var extent = points.Concat(bars.SelectMany(b => b).SelectMany(b => new[] { (b.X, b.Low), (b.X, b.High) })).ToArray();
        // Whole-number x values (epochs, sizes) get whole-number ticks.
        bool integerX = points.All(p => p.X == Math.Floor(p.X));
        var xAxis = Axis.Linear(points.Min(p => p.X), points.Max(p => p.X), integerX);
        var yAxis = logY
            ? Axis.Log(extent.Min(p => p.Item2), extent.Max(p => p.Item2))
            : Axis.Linear(extent.Min(p => p.Item2), extent.Max(p => p.Item2));
        var styles = series.Select((s, i) => (Colour: Palette.Colour(s.Group ?? i), Dash: s.Dashed ? "6 3" : s.Group is null ? Palette.Dash(i) : null)).ToArray();
        // One curve needs no legend: the title and the axis say what it is.
        var legend = series.Count > 1 ? new Legend(series.Select((s, i) => (s.Name, styles[i].Colour, styles[i].Dash)).ToArray()) : null;
        var (plot, legendAt) = ChartFrame.LayOut(xAxis, yAxis, xLabel, yLabel, legend, p => ToScreen(runs, p, xAxis, yAxis).SelectMany(r => r));
        var paths = ToScreen(runs, plot, xAxis, yAxis);
        ChartFrame.Axes(svg, plot, xAxis, yAxis, xLabel, yLabel);
        bool sparse = paths.All(p => p.Sum(run => run.Count) <= MarkerThreshold);
        for (int i = 0; i < series.Count; i++)
        {
            DrawSeries(svg, series[i].Name, styles[i], paths[i], sparse,
                       [.. bars[i].Select(b => (plot.X(xAxis, b.X), plot.Y(yAxis, b.Low), plot.Y(yAxis, b.High)))]);
        }
        if (legend is not null) legend.Draw(svg, legendAt!.Value.X, legendAt.Value.Y);
        return svg.ToString();
    }

    // Each point's error bar, y ± error, where both ends can be placed on the axis (a log axis drops a bar that reaches 0).
    private static List<(double X, double Low, double High)> ErrorBars(Series series, bool logY)
    {
        var bars = new List<(double X, double Low, double High)>();
        if (series.Error is null) return bars;
        for (int i = 0; i < series.Y.Count; i++)
        {
            double x = series.X[i], y = series.Y[i], e = series.Error[i];
            if (!double.IsFinite(x) || !double.IsFinite(y) || !(e > 0) || double.IsInfinity(e)) continue;
            if (logY && y - e <= 0) continue;
            bars.Add((x, y - e, y + e));
        }
        return bars;
    }

    /// <summary>
    /// The drawable stretches of a series: maximal runs of consecutive points that can be placed on
    /// the axes. Anything else ends the current run, so a gap in the data is a gap in the line.
    /// </summary>
    private static List<List<(double X, double Y)>> Runs(Series series, bool logY)
    {
        var runs = new List<List<(double X, double Y)>>();
        List<(double X, double Y)>? current = null;
        for (int i = 0; i < series.X.Count; i++)
        {
            double x = series.X[i], y = series.Y[i];
            if (double.IsFinite(x) && double.IsFinite(y) && (!logY || y > 0))
            {
                if (current is null)
                {
                    current = [];
                    runs.Add(current);
                }
                current.Add((x, y));
            }
            else
            {
                current = null;
            }
        }
        return runs;
    }

    private static List<(double X, double Y)>[][] ToScreen(
        List<List<(double X, double Y)>>[] runs, PlotArea plot, Axis xAxis, Axis yAxis) =>
        runs.Select(seriesRuns => seriesRuns
                .Select(run => run.Select(p => (plot.X(xAxis, p.X), plot.Y(yAxis, p.Y))).ToList())
                .ToArray())
            .ToArray();

    private const double ErrorCap = 3;

    private static void DrawSeries(Svg svg, string name, (string Colour, string? Dash) style, List<(double X, double Y)>[] paths, bool markAll,
                                   IReadOnlyList<(double X, double Low, double High)> bars)
    {
        string colour = style.Colour;
        svg.OpenGroup(("class", "series"), ("stroke-linejoin", "round"), ("stroke-linecap", "round"));
        svg.Title(name);
        foreach (var path in paths.Where(p => p.Count > 1))
        {
            svg.Polyline(path, Legend.SeriesStroke(colour, style.Dash));
        }
        foreach (var (x, low, high) in bars)
        {
            svg.OpenGroup(("class", "error-bar"), ("stroke", colour), ("stroke-width", "1.2"));
            svg.Line(x, low, x, high);
            svg.Line(x - ErrorCap, low, x + ErrorCap, low);
            svg.Line(x - ErrorCap, high, x + ErrorCap, high);
            svg.CloseGroup();
        }
        // A lone point between gaps has no line to show it.
        foreach (var (x, y) in paths.Where(p => markAll || p.Count == 1).SelectMany(p => p))
        {
            svg.Circle(x, y, MarkerRadius, ("class", "marker"), ("fill", colour));
        }
        svg.CloseGroup();
    }
}
