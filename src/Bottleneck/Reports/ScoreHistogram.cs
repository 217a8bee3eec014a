namespace Bottleneck.Reports;

/// <summary>
/// Score histograms drawn as lines: 40 bins over the range of all the scores, and for each group of samples the share of
/// the group in each bin, so groups of very different sizes (one normal class against nine others) compare on one chart.
/// </summary>
internal static class ScoreHistogram
{
    private const int Bins = 40;

    /// <summary>An SVG chart of <paramref name="groups"/>' score distributions (samples by index into <paramref name="scores"/>).</summary>
    public static string Render(string title, double[] scores, IReadOnlyList<(string Name, IEnumerable<int> Samples)> groups)
    {
        double lo = scores.Min(), hi = scores.Max(), width = hi > lo ? (hi - lo) / Bins : 1;
        double[] centres = [.. Enumerable.Range(0, Bins).Select(b => lo + (b + 0.5) * width)];
        var series = groups.Select(g =>
        {
            var counts = new double[Bins];
            int n = 0;
            foreach (int i in g.Samples)
            {
                counts[Math.Min(Bins - 1, (int)((scores[i] - lo) / width))]++;
                n++;
            }
            return new Series(g.Name, centres, [.. counts.Select(c => n > 0 ? c / n : 0)]);
        }).ToList();
        return LineChart.Render(title, "anomaly score", "share of the images", series);
    }
}
