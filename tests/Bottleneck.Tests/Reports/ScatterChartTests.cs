using Bottleneck.Reports;
using FluentAssertions;
using static Bottleneck.Tests.Reports.SvgDom;

namespace Bottleneck.Tests.Reports;

public class ScatterChartTests
{
    [Fact]
    public void Scatter_has_one_dot_per_point_a_colour_per_group_and_a_legend()
    {
        var groups = Enumerable.Range(0, 10)
            .Select(g => new Series($"label {g}", [.. Enumerable.Range(0, 5).Select(i => (double)(g * 10 + i))], [.. Enumerable.Range(0, 5).Select(i => (double)(i - g))]))
            .ToList();
        var root = Parse(ScatterChart.Render("map", "x", "y", groups));

        var series = Groups(root, "series");
        series.Should().HaveCount(10);
        series.Should().AllSatisfy(g => g.Elements(SvgNs + "circle").Should().HaveCount(5));
        series.Select(g => g.Attribute("fill")!.Value).Should().OnlyHaveUniqueItems("ten labels get ten colours");
        Groups(root, "legend-entry").Select(e => e.Element(SvgNs + "text")!.Value).Should().Equal(groups.Select(g => g.Name));
        Groups(root, "legend-entry").Should().OnlyContain(e => e.Element(SvgNs + "circle") != null && e.Element(SvgNs + "line") == null,
            "a scatter's legend shows dots, as its points are drawn");
    }

    [Fact]
    public void Empty_scatter_says_there_is_no_data()
    {
        var svg = ScatterChart.Render("map", "x", "y", [new Series("none", [], [])]);
        svg.Should().Contain(">no data<");
    }
}
