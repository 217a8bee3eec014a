using System.Globalization;
using System.Xml.Linq;
using Bottleneck.Reports;
using FluentAssertions;
using Xunit;
using static Bottleneck.Tests.Reports.SvgDom;

namespace Bottleneck.Tests.Reports;

public class BarChartTests
{
    [Fact]
    public void Bar_chart_is_well_formed_svg_with_one_rect_per_bar()
    {
        var root = Parse(BarChart.Render("Final loss", "MSE", [new("dense", 0.8), new("conv", 0.5), new("vae", 0.65)]));

        root.Name.Should().Be(SvgNs + "svg");
        root.Attribute("version")!.Value.Should().Be("1.1");
        root.Attribute("viewBox")!.Value.Should().Be("0 0 640 400");
        root.Attribute("width")!.Value.Should().Be("640");
        root.Attribute("height")!.Value.Should().Be("400");
        var bars = Groups(root, "bar");
        bars.Should().HaveCount(3);
        bars.Should().AllSatisfy(g => g.Elements(SvgNs + "rect").Should().ContainSingle());
        root.Descendants(SvgNs + "script").Should().BeEmpty();
        root.Descendants().Attributes().Where(a => a.Name.LocalName == "href").Should().BeEmpty();
    }

    [Fact]
    public void Bars_are_in_order_and_their_heights_are_proportional_to_their_values()
    {
        var root = Parse(BarChart.Render("t", "y", [new("a", 1), new("b", 2), new("c", 4)]));

        var rects = Groups(root, "bar").Select(g => g.Element(SvgNs + "rect")!).ToList();
        var heights = rects.Select(r => Number(r, "height")).ToList();
        heights[1].Should().BeApproximately(2 * heights[0], 0.05);
        heights[2].Should().BeApproximately(4 * heights[0], 0.05);
        rects.Select(r => Number(r, "x")).Should().BeInAscendingOrder();
        var map = YMapping(root);
        double bottomOfBar = Number(rects[0], "y") + heights[0];
        bottomOfBar.Should().BeApproximately(map(0), 0.05);
        Number(rects[2], "y").Should().BeApproximately(map(4), 0.05);
    }

    [Fact]
    public void Y_axis_starts_at_zero_with_nice_evenly_spaced_ticks()
    {
        var ticks = TickValues(Parse(BarChart.Render("t", "y", [new("a", 0.31), new("b", 0.77), new("c", 0.93)])));

        ticks[0].Should().Be(0);
        ticks[^1].Should().BeGreaterThanOrEqualTo(0.93);
        double step = ticks[1] - ticks[0];
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        new[] { 1.0, 2.0, 5.0 }.Should().Contain(m => Math.Abs(m - mantissa) < 1e-9);
        for (int i = 1; i < ticks.Count; i++)
        {
            (ticks[i] - ticks[i - 1]).Should().BeApproximately(step, 1e-9);
        }
    }

    [Fact]
    public void Value_labels_show_four_significant_digits()
    {
        var root = Parse(BarChart.Render("t", "y", [new("a", 0.0123456), new("b", 1234.56), new("c", 0.5)]));

        ValueLabels(root).Should().Equal("0.01235", "1235", "0.5");
    }

    [Fact]
    public void Error_bars_are_drawn_only_when_given()
    {
        var root = Parse(BarChart.Render("t", "y",
            [new("with", 2, 0.5), new("without", 3), new("nan error", 1, double.NaN)]));

        var bars = Groups(root, "bar");
        bars[0].Elements(SvgNs + "g").Where(g => HasClass(g, "error")).Should().ContainSingle();
        bars[1].Descendants(SvgNs + "g").Should().BeEmpty();
        bars[2].Descendants(SvgNs + "g").Should().BeEmpty();

        // The whisker spans value ± error and has a cap at each end.
        var lines = bars[0].Element(SvgNs + "g")!.Elements(SvgNs + "line").ToList();
        lines.Should().HaveCount(3);
        var map = YMapping(root);
        var ends = new[] { Number(lines[0], "y1"), Number(lines[0], "y2") }.Order().ToArray();
        ends[0].Should().BeApproximately(map(2.5), 0.05);
        ends[1].Should().BeApproximately(map(1.5), 0.05);
    }

    [Fact]
    public void Value_label_sits_above_the_error_bar()
    {
        var root = Parse(BarChart.Render("t", "y", [new("a", 2, 1)]));

        var bar = Groups(root, "bar").Single();
        double label = Number(bar.Elements(SvgNs + "text").Single(t => HasClass(t, "value")), "y");
        label.Should().BeLessThan(YMapping(root)(3));
    }

    [Fact]
    public void Diverged_bar_is_labelled_and_does_not_stretch_the_axis()
    {
        var root = Parse(BarChart.Render("t", "loss",
            [new("ok", 1), new("nan", double.NaN, 0.1), new("inf", double.PositiveInfinity), new("fine", 2)]));

        Groups(root, "bar").Should().HaveCount(4);
        var diverged = Groups(root, "diverged");
        diverged.Should().HaveCount(2);
        diverged.Should().AllSatisfy(g =>
        {
            g.Elements(SvgNs + "rect").Should().BeEmpty();
            g.Elements(SvgNs + "text").Select(t => t.Value).Should().Equal("diverged");
        });
        root.Descendants(SvgNs + "rect").Where(r => r.Parent!.Attribute("class")?.Value == "bar").Should().HaveCount(2);
        var ticks = TickValues(root);
        ticks[^1].Should().BeInRange(2, 3);
    }

    [Fact]
    public void Negative_values_extend_the_axis_below_zero()
    {
        var root = Parse(BarChart.Render("t", "gain", [new("up", 2), new("down", -1)]));

        TickValues(root)[0].Should().BeLessThanOrEqualTo(-1);
        var map = YMapping(root);
        var down = Groups(root, "bar")[1].Element(SvgNs + "rect")!;
        Number(down, "y").Should().BeApproximately(map(0), 0.05);
        (Number(down, "y") + Number(down, "height")).Should().BeApproximately(map(-1), 0.05);
    }

    [Fact]
    public void Labels_are_xml_escaped()
    {
        const string title = "Loss & \"accuracy\" <test>";
        const string label = "R&D 'v2' <b>";
        var root = Parse(BarChart.Render(title, "a<b & c", [new(label, 1)]));

        root.Element(SvgNs + "title")!.Value.Should().Be(title);
        root.Descendants(SvgNs + "text").Select(t => t.Value).Should().Contain([title, label, "a<b & c"]);
    }

    [Fact]
    public void Long_category_labels_are_tilted_shortened_in_the_middle_and_stay_on_the_canvas()
    {
        var bars = Enumerable.Range(0, 12).Select(i => new Bar($"autoencoder variant number {i}", i + 1)).ToList();
        var root = Parse(BarChart.Render("t", "y", bars));

        var labels = root.Descendants(SvgNs + "g").Single(g => HasClass(g, "categories")).Elements(SvgNs + "text").ToList();
        labels.Should().HaveCount(12);
        labels.Select(t => t.Value).Should().OnlyHaveUniqueItems("the distinguishing end of each label is kept");
        labels.Should().AllSatisfy(t => t.Attribute("transform")!.Value.Should().StartWith("rotate(-35"));
        labels.Should().AllSatisfy(t => Number(t, "y").Should().BeLessThan(400));
    }

    [Fact]
    public void Empty_bar_chart_is_still_valid_svg()
    {
        var root = Parse(BarChart.Render("nothing yet", "loss", []));

        root.Name.Should().Be(SvgNs + "svg");
        Groups(root, "bar").Should().BeEmpty();
        root.Descendants(SvgNs + "text").Should().Contain(t => t.Value == "no data");
    }

    private static List<string> ValueLabels(XElement root) =>
        root.Descendants(SvgNs + "text").Where(t => HasClass(t, "value")).Select(t => t.Value).ToList();

    private static XElement YAxis(XElement root) => Groups(root, "y-axis").Single();

    private static List<double> TickValues(XElement root) =>
        YAxis(root).Elements(SvgNs + "g").Single(g => HasClass(g, "ticks")).Elements(SvgNs + "text")
            .Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture)).ToList();

    /// <summary>Value → SVG y, recovered from where the chart drew its first and last grid lines.</summary>
    private static Func<double, double> YMapping(XElement root)
    {
        var ticks = TickValues(root);
        var grid = YAxis(root).Elements(SvgNs + "g").Single(g => HasClass(g, "grid")).Elements(SvgNs + "line")
            .Select(l => Number(l, "y1")).ToList();
        grid.Should().HaveCount(ticks.Count);
        double perUnit = (grid[^1] - grid[0]) / (ticks[^1] - ticks[0]);
        return value => grid[0] + (value - ticks[0]) * perUnit;
    }
}
