using System.Globalization;
using System.Xml.Linq;
using Bottleneck.Reports;
using FluentAssertions;
using Xunit;
using static Bottleneck.Tests.Reports.SvgDom;

namespace Bottleneck.Tests.Reports;

public class LineChartTests
{
    [Fact]
    public void Line_chart_has_one_polyline_per_series_and_a_legend()
    {
        var root = Parse(LineChart.Render("Loss", "epoch", "MSE",
            [Decay("train", 1.0), Decay("validation", 1.2), Decay("test", 1.4)]));

        root.Name.Should().Be(SvgNs + "svg");
        root.Attribute("viewBox").Should().NotBeNull();
        var series = Groups(root, "series");
        series.Should().HaveCount(3);
        series.Should().AllSatisfy(g => g.Elements(SvgNs + "polyline").Should().ContainSingle());
        series.Select(g => g.Element(SvgNs + "polyline")!.Attribute("points")!.Value.Split(' ').Length)
            .Should().AllBeEquivalentTo(50);

        var entries = Groups(root, "legend-entry");
        entries.Select(e => e.Element(SvgNs + "text")!.Value).Should().Equal("train", "validation", "test");
        var lineColours = series.Select(g => g.Element(SvgNs + "polyline")!.Attribute("stroke")!.Value).ToList();
        lineColours.Should().OnlyHaveUniqueItems();
        entries.Select(e => e.Element(SvgNs + "line")!.Attribute("stroke")!.Value).Should().Equal(lineColours);
    }

    [Fact]
    public void Points_are_placed_according_to_the_axis_ticks()
    {
        var root = Parse(LineChart.Render("t", "x", "y", [new Series("s", [0, 10, 20], [0.5, 1.5, 2.5])]));

        var points = Points(Groups(root, "series").Single().Element(SvgNs + "polyline")!);
        var x = Mapping(root, "x-axis");
        var y = Mapping(root, "y-axis");
        points[1].X.Should().BeApproximately(x(10), 0.05);
        points[1].Y.Should().BeApproximately(y(1.5), 0.05);
        points[2].X.Should().BeApproximately(x(20), 0.05);
        points[2].Y.Should().BeApproximately(y(2.5), 0.05);
    }

    [Fact]
    public void Non_finite_points_split_the_line()
    {
        double[] y = Enumerable.Range(0, 20).Select(i => 1.0 / (i + 1)).ToArray();
        y[5] = double.NaN;
        y[12] = double.PositiveInfinity;
        var root = Parse(LineChart.Render("t", "epoch", "loss", [new Series("gappy", Epochs(20), y)]));

        var lines = Groups(root, "series").Single().Elements(SvgNs + "polyline").ToList();
        lines.Select(l => Points(l).Count).Should().Equal(5, 6, 7);
    }

    [Fact]
    public void Diverged_run_stops_where_its_values_stop_being_finite()
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss",
        [
            new Series("stable", [1, 2, 3, 4], [1.0, 0.5, 0.3, 0.2]),
            new Series("diverged", [1, 2, 3, 4], [1.0, 3.0, double.NaN, double.NaN]),
        ]));

        var diverged = Groups(root, "series")[1].Elements(SvgNs + "polyline").Single();
        Points(diverged).Should().HaveCount(2);
        Groups(root, "legend-entry").Should().HaveCount(2);
    }

    [Fact]
    public void Isolated_point_between_gaps_is_still_visible()
    {
        double[] y = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        y[19] = double.NaN;
        y[21] = double.NaN;
        var root = Parse(LineChart.Render("t", "x", "y", [new Series("s", Epochs(40), y)]));

        var series = Groups(root, "series").Single();
        series.Elements(SvgNs + "polyline").Should().HaveCount(2);
        series.Elements(SvgNs + "circle").Should().ContainSingle();
    }

    [Fact]
    public void Log_axis_ticks_are_powers_of_ten()
    {
        double[] y = Enumerable.Range(0, 30).Select(i => 10 * Math.Pow(10, -i / 6.0)).ToArray(); // 10 down to ~1.3e-4
        var root = Parse(LineChart.Render("t", "epoch", "loss", [new Series("s", Epochs(30), y)], logY: true));

        var ticks = TickValues(root, "y-axis");
        ticks.Should().HaveCountGreaterThan(3);
        ticks.Should().AllSatisfy(t => Math.Log10(t).Should().BeApproximately(Math.Round(Math.Log10(t)), 1e-9));
        ticks[0].Should().BeLessThanOrEqualTo(y.Min());
        ticks[^1].Should().BeGreaterThanOrEqualTo(y.Max());

        // Equal ratios get equal distances.
        var grid = GridPositions(root, "y-axis");
        var gaps = grid.Zip(grid.Skip(1), (a, b) => b - a).ToList();
        gaps.Should().AllSatisfy(g => g.Should().BeApproximately(gaps[0], 0.05));
    }

    [Fact]
    public void Narrow_log_axis_adds_2_and_5_between_powers_of_ten()
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss",
            [new Series("s", [1, 2, 3, 4], [0.4, 0.2, 0.08, 0.03])], logY: true));

        var mantissas = TickValues(root, "y-axis")
            .Select(t => Math.Round(t / Math.Pow(10, Math.Floor(Math.Log10(t) + 1e-9)), 6)).ToList();
        mantissas.Should().OnlyContain(m => m == 1 || m == 2 || m == 5);
        mantissas.Should().Contain(2).And.Contain(5);
    }

    [Fact]
    public void A_log_axis_over_less_than_a_decade_still_has_several_ticks()
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss", [new Series("s", [1, 2, 3], [0.018, 0.015, 0.012])], logY: true));

        var ticks = TickValues(root, "y-axis");
        ticks.Should().HaveCountGreaterThanOrEqualTo(4).And.OnlyContain(t => t > 0);
        ticks[0].Should().BeLessThanOrEqualTo(0.012);
        ticks[^1].Should().BeGreaterThanOrEqualTo(0.018);
        TickLabels(root, "y-axis").Should().OnlyHaveUniqueItems("every tick reads as its own value");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(2)]
    public void Epochs_get_whole_number_ticks_however_short_the_run(int epochs)
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss", [new Series("s", Epochs(epochs), [.. Enumerable.Range(0, epochs).Select(i => 1.0 / (i + 1))])]));

        TickValues(root, "x-axis").Should().OnlyContain(t => t == Math.Floor(t)).And.Contain(1).And.Contain(epochs);
    }

    [Fact]
    public void Series_of_a_group_share_a_colour_and_the_dashed_one_is_dashed_in_the_legend_too()
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss",
        [
            new Series("fold 1 train", [1, 2, 3], [3, 2, 1], Group: 0, Dashed: true), new Series("fold 1 validation", [1, 2, 3], [3.5, 2.5, 1.5], Group: 0),
            new Series("fold 2 train", [1, 2, 3], [2, 1.5, 1], Group: 1, Dashed: true), new Series("fold 2 validation", [1, 2, 3], [2.5, 2, 1.5], Group: 1),
        ]));

        var lines = Groups(root, "series").Select(g => g.Element(SvgNs + "polyline")!).ToList();
        var colours = lines.Select(l => l.Attribute("stroke")!.Value).ToList();
        colours[0].Should().Be(colours[1]);
        colours[2].Should().Be(colours[3]).And.NotBe(colours[0]);
        lines.Select(l => l.Attribute("stroke-dasharray") is not null).Should().Equal(true, false, true, false);
        Groups(root, "legend-entry").Select(e => e.Element(SvgNs + "line")!.Attribute("stroke-dasharray") is not null).Should().Equal(true, false, true, false);
    }

    [Fact]
    public void Error_bars_span_the_given_error_and_widen_the_axis_to_fit()
    {
        var root = Parse(LineChart.Render("t", "level", "MSE", [new Series("s", [0, 0.5, 1], [1, 2, 3], Error: [0.5, 0, 2])]));

        var bars = Groups(root, "error-bar");
        bars.Should().HaveCount(2, "a zero error draws no bar");
        var y = Mapping(root, "y-axis");
        var vertical = bars.Select(b => b.Elements(SvgNs + "line").First()).Select(l => (Low: Number(l, "y1"), High: Number(l, "y2"))).ToList();
        vertical[0].Low.Should().BeApproximately(y(0.5), 0.01);
        vertical[0].High.Should().BeApproximately(y(1.5), 0.01);
        vertical[1].Low.Should().BeApproximately(y(1), 0.01);
        vertical[1].High.Should().BeApproximately(y(5), 0.01);
        TickValues(root, "y-axis")[^1].Should().BeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public void Log_axis_skips_points_that_are_not_positive()
    {
        var root = Parse(LineChart.Render("t", "x", "y",
            [new Series("s", [1, 2, 3, 4, 5, 6], [1, 0.5, 0, -1, 0.1, 0.01])], logY: true));

        var lines = Groups(root, "series").Single().Elements(SvgNs + "polyline").ToList();
        lines.Select(l => Points(l).Count).Should().Equal(2, 2);
        TickValues(root, "y-axis").Should().OnlyContain(t => t > 0);
    }

    [Fact]
    public void Legend_sits_in_a_corner_clear_of_the_data()
    {
        var root = Parse(LineChart.Render("t", "epoch", "loss", [Decay("train", 1.0), Decay("validation", 1.3)]));

        var box = Groups(root, "legend").Single().Element(SvgNs + "rect")!;
        var (left, top) = (Number(box, "x"), Number(box, "y"));
        var (right, bottom) = (left + Number(box, "width"), top + Number(box, "height"));
        var xGrid = GridPositions(root, "x-axis");
        right.Should().BeLessThanOrEqualTo(xGrid[^1], "a falling curve leaves the top right corner free");
        Groups(root, "series").SelectMany(g => g.Elements(SvgNs + "polyline")).SelectMany(Points)
            .Should().NotContain(p => p.X >= left && p.X <= right && p.Y >= top && p.Y <= bottom);
    }

    [Fact]
    public void Legend_moves_beside_the_plot_when_every_corner_is_taken()
    {
        double[] x = Epochs(21);
        var root = Parse(LineChart.Render("t", "x", "y",
        [
            new Series("rising", x, x.Select(v => v).ToArray()),
            new Series("falling", x, x.Select(v => 22 - v).ToArray()),
            new Series("low", x, x.Select(_ => 1.0).ToArray()),
            new Series("high", x, x.Select(_ => 21.0).ToArray()),
        ]));

        var box = Groups(root, "legend").Single().Element(SvgNs + "rect")!;
        Number(box, "x").Should().BeGreaterThan(GridPositions(root, "x-axis")[^1]);
        (Number(box, "x") + Number(box, "width")).Should().BeLessThanOrEqualTo(640);
    }

    [Fact]
    public void Series_beyond_the_palette_reuse_colours_with_a_dash_pattern()
    {
        var series = Enumerable.Range(0, 9).Select(i => Decay($"run {i}", 1 + i * 0.1)).ToList();
        var root = Parse(LineChart.Render("t", "epoch", "loss", series));

        var lines = Groups(root, "series").Select(g => g.Element(SvgNs + "polyline")!).ToList();
        lines.Take(8).Select(l => l.Attribute("stroke")!.Value).Should().OnlyHaveUniqueItems();
        lines[8].Attribute("stroke")!.Value.Should().Be(lines[0].Attribute("stroke")!.Value);
        lines[0].Attribute("stroke-dasharray").Should().BeNull();
        lines[8].Attribute("stroke-dasharray").Should().NotBeNull();
    }

    [Fact]
    public void A_single_curve_has_no_legend()
    {
        var root = Parse(LineChart.Render("Score by lr", "lr", "score", [new Series("score", [1, 2, 3], [3, 1, 2])]));
        Groups(root, "legend").Should().BeEmpty();
        Groups(root, "series").Should().ContainSingle();
    }

    [Fact]
    public void Labels_are_xml_escaped()
    {
        const string name = "β<0.9 & \"Adam's\"";
        var root = Parse(LineChart.Render("A & B <c>", "x & y", "\"y\"", [new Series(name, [1, 2], [1, 2]), new Series("other", [1, 2], [2, 1])]));

        root.Element(SvgNs + "title")!.Value.Should().Be("A & B <c>");
        Groups(root, "series").First().Element(SvgNs + "title")!.Value.Should().Be(name);
        root.Descendants(SvgNs + "text").Select(t => t.Value).Should().Contain([name, "x & y", "\"y\""]);
    }

    [Fact]
    public void Long_series_names_are_shortened_in_the_middle()
    {
        var root = Parse(LineChart.Render("t", "x", "y",
        [
            new Series("dense autoencoder, 64 latent units, lr=1e-3, seed 1", [1, 2], [1, 2]),
            new Series("dense autoencoder, 64 latent units, lr=1e-3, seed 2", [1, 2], [2, 1]),
        ]));

        var names = Groups(root, "legend-entry").Select(e => e.Element(SvgNs + "text")!.Value).ToList();
        names.Should().AllSatisfy(n => n.Should().Contain("…").And.StartWith("dense"));
        names.Should().OnlyHaveUniqueItems();
        // Cut between words: every word shown is whole.
        var words = "dense autoencoder, 64 latent units, lr=1e-3, seed 1 2".Split([' ', ',', '=']).ToHashSet();
        names.SelectMany(n => n.Split('…')).SelectMany(part => part.Split([' ', ',', '='], StringSplitOptions.RemoveEmptyEntries))
            .Should().OnlyContain(w => words.Contains(w));
    }

    [Fact]
    public void Empty_chart_is_still_valid_svg()
    {
        foreach (var svg in new[]
        {
            LineChart.Render("nothing", "x", "y", []),
            LineChart.Render("all diverged", "x", "y", [new Series("nan", [1, 2], [double.NaN, double.NaN])]),
            LineChart.Render("nothing positive", "x", "y", [new Series("zero", [1, 2], [0, -1])], logY: true),
        })
        {
            var root = Parse(svg);
            root.Name.Should().Be(SvgNs + "svg");
            root.Attribute("viewBox").Should().NotBeNull();
            root.Descendants(SvgNs + "polyline").Should().BeEmpty();
            root.Descendants(SvgNs + "text").Should().Contain(t => t.Value == "no data");
        }
    }

    [Fact]
    public void Series_with_mismatched_lengths_is_rejected()
    {
        var act = () => LineChart.Render("t", "x", "y", [new Series("bad", [1, 2, 3], [1, 2])]);

        act.Should().Throw<ArgumentException>().WithMessage("*bad*");
    }

    private static Series Decay(string name, double scale) =>
        new(name, Epochs(50), Epochs(50).Select(e => scale * Math.Exp(-e / 10) + 0.05).ToArray());

    private static double[] Epochs(int count) => Enumerable.Range(1, count).Select(i => (double)i).ToArray();

    private static List<(double X, double Y)> Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    private static XElement AxisGroup(XElement root, string axis, string part) =>
        Groups(root, axis).Single().Elements(SvgNs + "g").Single(g => HasClass(g, part));

    private static List<double> TickValues(XElement root, string axis) =>
        AxisGroup(root, axis, "ticks").Elements(SvgNs + "text")
            .Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture)).ToList();

    private static List<string> TickLabels(XElement root, string axis) =>
        [.. AxisGroup(root, axis, "ticks").Elements(SvgNs + "text").Select(t => t.Value)];

    private static List<double> GridPositions(XElement root, string axis) =>
        AxisGroup(root, axis, "grid").Elements(SvgNs + "line")
            .Select(l => Number(l, axis == "x-axis" ? "x1" : "y1")).ToList();

    /// <summary>Linear value → SVG coordinate, recovered from the first and last grid lines of an axis.</summary>
    private static Func<double, double> Mapping(XElement root, string axis)
    {
        var ticks = TickValues(root, axis);
        var grid = GridPositions(root, axis);
        grid.Should().HaveCount(ticks.Count);
        double perUnit = (grid[^1] - grid[0]) / (ticks[^1] - ticks[0]);
        return value => grid[0] + (value - ticks[0]) * perUnit;
    }
}
