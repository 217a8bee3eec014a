namespace Bottleneck.Reports;

/// <summary>
/// Renders groups of points (e.g. a 2-D embedding coloured by label) as a standalone SVG 1.1
/// scatter plot: one dot per point, one colour per group, and a legend naming the groups.
/// </summary>
internal static class ScatterChart
{
    private const double DotRadius = 2.2;

    /// <summary>Renders each of <paramref name="groups"/> as dots in its palette colour, in legend order.</summary>
    /// <exception cref="ArgumentException">A group has different numbers of x and y values.</exception>
    internal static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> groups)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(groups);
        foreach (var g in groups)
            if (g.X.Count != g.Y.Count)
                throw new ArgumentException($"Group '{g.Name}' has {g.X.Count} x values but {g.Y.Count} y values.", nameof(groups));

        var svg = ChartFrame.Begin(title);
        var points = groups.SelectMany(g => g.X.Zip(g.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        if (points.Length == 0)
        {
            ChartFrame.NoData(svg, ChartFrame.Plot(ChartFrame.MinimumMargin, ChartFrame.MinimumMargin, ChartFrame.BottomMargin(xLabel)));
            return svg.ToString();
        }

        var xAxis = Axis.Linear(points.Min(p => p.First), points.Max(p => p.First));
        var yAxis = Axis.Linear(points.Min(p => p.Second), points.Max(p => p.Second));
        // One group needs no legend.
        var legend = groups.Count > 1 ? new Legend(groups.Select((g, i) => (g.Name, Palette.MarkerColour(i), (string?)null)).ToArray(), markers: true) : null;
        var (plot, legendAt) = ChartFrame.LayOut(xAxis, yAxis, xLabel, yLabel, legend,
            p => ToScreen(groups, p, xAxis, yAxis).SelectMany(d => d).Select(point => (IReadOnlyList<(double, double)>)[point]));
        var dots = ToScreen(groups, plot, xAxis, yAxis);
        ChartFrame.Axes(svg, plot, xAxis, yAxis, xLabel, yLabel);
        for (int i = 0; i < groups.Count; i++)
        {
            svg.OpenGroup(("class", "series"), ("fill", Palette.MarkerColour(i)), ("fill-opacity", "0.75"));
            svg.Title(groups[i].Name);
            foreach (var (x, y) in dots[i]) svg.Circle(x, y, DotRadius, ("class", "marker"));
            svg.CloseGroup();
        }
        if (legendAt is { } at) legend!.Draw(svg, at.X, at.Y);
        return svg.ToString();
    }

    private static List<(double X, double Y)>[] ToScreen(IReadOnlyList<Series> groups, PlotArea plot, Axis xAxis, Axis yAxis) =>
        groups.Select(g => g.X.Zip(g.Y)
                .Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second))
                .Select(p => (plot.X(xAxis, p.First), plot.Y(yAxis, p.Second)))
                .ToList())
            .ToArray();
}
