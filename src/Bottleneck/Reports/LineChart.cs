namespace Bottleneck.Reports;

/// <summary>
/// Renders curves such as training and validation loss against epoch as a standalone SVG 1.1
/// document (no scripts, fonts or external resources), with a legend and an optional log y axis.
/// </summary>
public static class LineChart
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
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
            {
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values.", nameof(series));
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

        var xAxis = Axis.Linear(points.Min(p => p.X), points.Max(p => p.X));
        var yAxis = logY
            ? Axis.Log(points.Min(p => p.Y), points.Max(p => p.Y))
            : Axis.Linear(points.Min(p => p.Y), points.Max(p => p.Y));
        var legend = new Legend(series.Select((s, i) => (s.Name, Palette.Colour(i), Palette.Dash(i))).ToArray());
        var (plot, legendAt) = ChartFrame.LayOut(xAxis, yAxis, xLabel, yLabel, legend, p => ToScreen(runs, p, xAxis, yAxis).SelectMany(r => r));
        var paths = ToScreen(runs, plot, xAxis, yAxis);
        ChartFrame.Axes(svg, plot, xAxis, yAxis, xLabel, yLabel);
        bool sparse = paths.All(p => p.Sum(run => run.Count) <= MarkerThreshold);
        for (int i = 0; i < series.Count; i++)
        {
            DrawSeries(svg, series[i].Name, i, paths[i], sparse);
        }
        legend.Draw(svg, legendAt!.Value.X, legendAt.Value.Y);
        return svg.ToString();
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

    private static void DrawSeries(Svg svg, string name, int index, List<(double X, double Y)>[] paths, bool markAll)
    {
        string colour = Palette.Colour(index);
        svg.OpenGroup(("class", "series"), ("stroke-linejoin", "round"), ("stroke-linecap", "round"));
        svg.Title(name);
        foreach (var path in paths.Where(p => p.Count > 1))
        {
            svg.Polyline(path, Legend.SeriesStroke(colour, Palette.Dash(index)));
        }
        // A lone point between gaps has no line to show it.
        foreach (var (x, y) in paths.Where(p => markAll || p.Count == 1).SelectMany(p => p))
        {
            svg.Circle(x, y, MarkerRadius, ("class", "marker"), ("fill", colour));
        }
        svg.CloseGroup();
    }
}
