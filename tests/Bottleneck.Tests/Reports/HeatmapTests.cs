using System.Globalization;
using System.Xml.Linq;
using Bottleneck.Reports;
using FluentAssertions;
using Xunit;
using static Bottleneck.Tests.Reports.SvgDom;

namespace Bottleneck.Tests.Reports;

public class HeatmapTests
{
    private static readonly string[] LearningRates = ["0.05", "0.01", "0.005", "0.001", "0.0005", "0.0001"];
    private static readonly string[] WeightDecays = ["0", "1e-5", "1e-4", "5e-4", "1e-3", "1e-2"];

    // Validation loss per weight decay (row) and learning rate (column); the largest rate diverged once.
    private static double[,] Losses() => new[,]
    {
        { 0.1342, 0.0611, 0.0405, 0.0563, 0.0874, 0.1621 },
        { 0.1287, 0.0548, 0.0352, 0.0517, 0.0832, 0.1598 },
        { double.NaN, 0.0473, 0.0213, 0.0436, 0.0779, 0.1544 },
        { 0.1195, 0.0502, 0.0297, 0.0481, 0.0811, 0.1573 },
        { 0.1410, 0.0657, 0.0448, 0.0605, 0.0921, 0.1702 },
        { 0.1986, 0.1203, 0.0989, 0.1134, 0.1458, 0.1967 },
    };

    [Fact]
    public void Heatmap_is_well_formed_svg_with_one_rect_per_cell_in_a_grid()
    {
        var root = Example();

        root.Name.Should().Be(SvgNs + "svg");
        root.Attribute("version")!.Value.Should().Be("1.1");
        root.Attribute("viewBox")!.Value.Should().Be("0 0 640 480");
        root.Descendants(SvgNs + "script").Should().BeEmpty();
        root.Descendants().Attributes().Where(a => a.Name.LocalName == "href").Should().BeEmpty();

        var cells = Cells(root);
        cells.Should().HaveCount(36);
        cells.Should().AllSatisfy(c => c.Elements(SvgNs + "rect").Should().ContainSingle());
        var rects = cells.Select(CellRect).ToList();
        rects.Select(r => Number(r, "x")).Distinct().Should().HaveCount(6);
        rects.Select(r => Number(r, "y")).Distinct().Should().HaveCount(6);
        // Reading order: row by row from the top, each row left to right.
        for (int row = 0; row < 6; row++)
        {
            var inRow = rects.Skip(row * 6).Take(6).ToList();
            inRow.Select(r => Number(r, "y")).Distinct().Should().ContainSingle();
            inRow.Select(r => Number(r, "x")).Should().BeInAscendingOrder();
        }
        Categories(root, "x-axis").Should().Equal(LearningRates);
        Categories(root, "y-axis").Should().Equal(WeightDecays);

        // Grid and colour bar share the canvas without overlapping.
        double gridRight = rects.Max(r => Number(r, "x") + Number(r, "width"));
        var bar = Groups(root, "colour-bar").Single();
        var frame = bar.Elements(SvgNs + "rect").Single(r => HasClass(r, "frame"));
        Number(frame, "x").Should().BeGreaterThan(gridRight);
        bar.Descendants(SvgNs + "text").Should().AllSatisfy(t => Number(t, "x").Should().BeLessThan(640));
    }

    [Fact]
    public void Cells_are_labelled_with_their_values_in_the_middle()
    {
        var root = Parse(Heatmap.Render("t", "x", ["a", "b"], "y", ["p", "q"],
            new[,] { { 0.0123456, 1234.56 }, { 0.5, 0.1 } }, "v"));

        var cells = Cells(root);
        cells.Select(ValueLabel).Should().Equal("0.01235", "1235", "0.5", "0.1");
        cells.Should().AllSatisfy(c =>
        {
            var rect = CellRect(c);
            var text = c.Elements(SvgNs + "text").Single();
            Number(text, "x").Should().BeApproximately(Number(rect, "x") + Number(rect, "width") / 2, 0.05);
            Number(text, "y").Should().BeInRange(Number(rect, "y"), Number(rect, "y") + Number(rect, "height"));
        });
    }

    [Fact]
    public void Best_cell_is_outlined_and_holds_the_minimum()
    {
        var root = Example();

        var best = Cells(root).Single(c => HasClass(c, "best"));
        ValueLabel(best).Should().Be("0.0213");
        best.Element(SvgNs + "title")!.Value.Should().Be("weight decay = 1e-4, learning rate = 0.005: 0.0213 (best)");
        ShouldBeOutlined(root, best);
        BestMarkIsAtEnd(root, bottom: true);
    }

    [Fact]
    public void Best_cell_holds_the_maximum_when_higher_is_better()
    {
        var root = Example(lowerIsBetter: false);

        var best = Cells(root).Single(c => HasClass(c, "best"));
        ValueLabel(best).Should().Be("0.1986");
        ShouldBeOutlined(root, best);
        BestMarkIsAtEnd(root, bottom: false);
        // The best cell always gets the bright end of the ramp, whichever way "best" points.
        Fill(best).Should().Be(Cells(root).Where(c => !HasClass(c, "diverged")).Select(Fill).MaxBy(Lightness));
    }

    [Fact]
    public void Diverged_cells_are_labelled_and_left_out_of_the_colour_scale()
    {
        var root = Parse(Heatmap.Render("t", "lr", ["a", "b", "c"], "wd", ["p", "q"],
            new[,] { { 0.2, double.NaN, 0.9 }, { double.PositiveInfinity, 0.5, double.NegativeInfinity } }, "loss"));

        var cells = Cells(root);
        var diverged = cells.Where(c => HasClass(c, "diverged")).ToList();
        diverged.Should().HaveCount(3);
        diverged.Should().AllSatisfy(c =>
        {
            ValueLabel(c).Should().Be("diverged");
            c.Element(SvgNs + "title")!.Value.Should().Contain("diverged");
            var (r, g, b) = Rgb(Fill(c));
            (r == g && g == b).Should().BeTrue("a diverged cell is grey, no colour of the scale");
            Groups(c, "hatch").Single().Elements(SvgNs + "line").Should().NotBeEmpty();
        });

        // The finite values alone span the ramp: -∞ is not the best, and ±∞ do not squash the colours.
        ColourBarTicks(root).Should().Equal("0.9", "0.2");
        var best = cells.Single(c => HasClass(c, "best"));
        ValueLabel(best).Should().Be("0.2");
        Fill(best).Should().Be("#FDE725");
        Fill(cells.Single(c => ValueLabel(c) == "0.9")).Should().Be("#440154");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Colour_changes_monotonically_with_the_value(bool lowerIsBetter)
    {
        // 0.01 … 0.20, shuffled over a 4 × 5 grid.
        var values = new double[4, 5];
        for (int i = 0; i < 20; i++)
        {
            values[i / 5, i % 5] = (i * 7 % 20 + 1) / 100.0;
        }
        var root = Parse(Heatmap.Render("t", "x", ["1", "2", "3", "4", "5"], "y", ["1", "2", "3", "4"], values, "v", lowerIsBetter));

        var lightness = Cells(root)
            .Select(c => (Value: double.Parse(ValueLabel(c), CultureInfo.InvariantCulture), Lightness: Lightness(Fill(c))))
            .OrderBy(c => c.Value)
            .Select(c => c.Lightness)
            .ToList();
        lightness.Should().HaveCount(20);
        if (lowerIsBetter)
        {
            lightness.Should().BeInDescendingOrder().And.OnlyHaveUniqueItems();
        }
        else
        {
            lightness.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Crowded_cells_keep_their_labels_in_a_shorter_form()
    {
        // Twelve columns leave cells about 36 units wide: too narrow for "0.0001334" at a legible size.
        var values = new double[3, 12];
        for (int i = 0; i < 36; i++)
        {
            values[i / 12, i % 12] = 0.1 * Math.Pow(10, -i / 12.0) + 1e-7 * i;
        }
        values[1, 4] = double.NaN;
        var columns = Enumerable.Range(1, 12).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var root = Parse(Heatmap.Render("t", "x", columns, "y", ["a", "b", "c"], values, "loss", logColor: true));

        var finite = Cells(root).Where(c => !HasClass(c, "diverged")).ToList();
        finite.Should().HaveCount(35);
        var labels = finite.Select(ValueLabel).ToList();
        labels.Should().Contain(l => l.Contains("e-"), "exponent form is shorter for the smallest losses");
        for (int i = 0; i < 35; i++)
        {
            int index = i < 16 ? i : i + 1; // the NaN sits at row 1, column 4
            double value = values[index / 12, index % 12];
            double.Parse(labels[i], CultureInfo.InvariantCulture).Should().BeApproximately(value, value * 0.006);
        }
        finite.Select(c => Number(c.Elements(SvgNs + "text").Single(), "font-size")).Should().AllSatisfy(size => size.Should().BeGreaterThanOrEqualTo(7));
        ValueLabel(Cells(root).Single(c => HasClass(c, "diverged"))).Should().Be("diverged");
    }

    [Fact]
    public void Log_colour_gives_each_decade_an_equal_share_of_the_ramp()
    {
        double[,] values = { { 0.001, 0.01, 0.1 } };
        string[] x = ["a", "b", "c"];

        // Share of the way from the worst colour to the best that the middle value's colour lies.
        double MiddleShare(XElement root)
        {
            var l = Cells(root).Select(c => Lightness(Fill(c))).ToList();
            return (l[1] - l[2]) / (l[0] - l[2]);
        }
        var linear = Parse(Heatmap.Render("t", "x", x, "y", ["r"], values, "loss"));
        var log = Parse(Heatmap.Render("t", "x", x, "y", ["r"], values, "loss", logColor: true));

        MiddleShare(linear).Should().BeGreaterThan(0.85, "on a linear scale 0.01 is within 10 % of the best");
        MiddleShare(log).Should().BeInRange(0.4, 0.6, "on a log scale 0.01 is halfway between 0.001 and 0.1");
        ColourBarTitle(log).Should().Be("loss (log scale)");
        ColourBarTitle(linear).Should().Be("loss");
        ColourBarTicks(log).Should().Equal("0.1", "0.001");

        // Zero has no logarithm: the colours fall back to linear rather than fail.
        var withZero = Parse(Heatmap.Render("t", "x", x, "y", ["r"], new[,] { { 0, 0.01, 0.1 } }, "loss", logColor: true));
        ColourBarTitle(withZero).Should().Be("loss");
    }

    [Fact]
    public void Value_labels_contrast_with_their_cells()
    {
        var root = Example();

        Cells(root).Where(c => !HasClass(c, "diverged")).Should().AllSatisfy(c =>
        {
            string text = c.Elements(SvgNs + "text").Single().Attribute("fill")!.Value;
            Contrast(text, Fill(c)).Should().BeGreaterThanOrEqualTo(4.5, $"WCAG AA for the label on {Fill(c)}");
        });
        // Dark cells get light text and bright cells dark text.
        var fills = Cells(root).Where(c => !HasClass(c, "diverged")).ToList();
        fills.MinBy(c => Lightness(Fill(c)))!.Elements(SvgNs + "text").Single().Attribute("fill")!.Value.Should().Be("#FFFFFF");
        fills.MaxBy(c => Lightness(Fill(c)))!.Elements(SvgNs + "text").Single().Attribute("fill")!.Value.Should().Be("#000000");
    }

    [Fact]
    public void Labels_are_xml_escaped()
    {
        const string title = "Loss & \"accuracy\" <grid>";
        var root = Parse(Heatmap.Render(title, "lr <x>", ["a&b", "<c>"], "wd 'y'", ["\"q\""],
            new double[,] { { 1, 2 } }, "v & w"));

        root.Element(SvgNs + "title")!.Value.Should().Be(title);
        root.Descendants(SvgNs + "text").Select(t => t.Value).Should().Contain([title, "lr <x>", "a&b", "<c>", "wd 'y'", "\"q\"", "v & w"]);
        Cells(root)[0].Element(SvgNs + "title")!.Value.Should().Be("wd 'y' = \"q\", lr <x> = a&b: 1 (best)");
    }

    [Fact]
    public void Long_category_labels_are_tilted_or_shortened_and_stay_on_the_canvas()
    {
        var x = Enumerable.Range(0, 8).Select(i => $"cosine schedule, warm-up {i}").ToArray();
        var y = Enumerable.Range(0, 3).Select(i => $"decoupled weight decay, variant {i}").ToArray();
        var values = new double[3, 8];
        var root = Parse(Heatmap.Render("t", "schedule", x, "decay", y, values, "loss"));

        var columns = XAxisCategoryTexts(root);
        columns.Should().HaveCount(8);
        columns.Should().AllSatisfy(t => t.Attribute("transform")!.Value.Should().StartWith("rotate(-35"));
        columns.Should().AllSatisfy(t => Number(t, "y").Should().BeLessThan(480));
        var rows = Categories(root, "y-axis");
        rows.Should().AllSatisfy(r => r.Should().Contain("…").And.StartWith("decoupled"));
        rows.Should().OnlyHaveUniqueItems("the distinguishing end of each label is kept");
        var xTitle = Groups(root, "x-axis").Single().Elements(SvgNs + "text").Single(t => HasClass(t, "label"));
        Number(xTitle, "y").Should().BeGreaterThan(columns.Max(t => Number(t, "y"))).And.BeLessThan(480);
    }

    [Fact]
    public void Mismatched_dimensions_are_rejected()
    {
        var transposed = () => Heatmap.Render("t", "x", ["a", "b", "c"], "y", ["p", "q"], new double[3, 2], "v");
        var tooFewColumns = () => Heatmap.Render("t", "x", ["a", "b", "c"], "y", ["p", "q"], new double[2, 2], "v");

        transposed.Should().Throw<ArgumentException>().WithMessage("*3×2*");
        tooFewColumns.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void All_diverged_grid_is_still_valid_svg()
    {
        var values = new[,] { { double.NaN, double.NaN, double.NaN }, { double.NaN, double.PositiveInfinity, double.NaN } };
        var root = Parse(Heatmap.Render("all diverged", "x", ["a", "b", "c"], "y", ["p", "q"], values, "loss"));

        root.Name.Should().Be(SvgNs + "svg");
        var cells = Cells(root);
        cells.Should().HaveCount(6);
        cells.Should().AllSatisfy(c => HasClass(c, "diverged").Should().BeTrue());
        cells.Select(ValueLabel).Should().AllBeEquivalentTo("diverged");
        cells.Should().NotContain(c => HasClass(c, "best"));
        root.Descendants(SvgNs + "rect").Should().NotContain(r => HasClass(r, "best-outline"));
        Groups(root, "colour-bar").Should().BeEmpty();
    }

    [Fact]
    public void Empty_grid_is_still_valid_svg()
    {
        var root = Parse(Heatmap.Render("nothing yet", "x", [], "y", [], new double[0, 0], "loss"));

        Cells(root).Should().BeEmpty();
        root.Descendants(SvgNs + "text").Should().Contain(t => t.Value == "no data");
    }

    private static XElement Example(bool lowerIsBetter = true, bool logColor = false) =>
        Parse(Heatmap.Render("Validation loss after 20 epochs", "learning rate", LearningRates, "weight decay", WeightDecays,
            Losses(), "validation loss", lowerIsBetter, logColor));

    private static List<XElement> Cells(XElement root) => Groups(root, "cell");

    private static XElement CellRect(XElement cell) => cell.Elements(SvgNs + "rect").Single();

    private static string Fill(XElement cell) => CellRect(cell).Attribute("fill")!.Value;

    private static string ValueLabel(XElement cell) =>
        cell.Elements(SvgNs + "text").Single(t => HasClass(t, "value")).Value;

    private static List<XElement> XAxisCategoryTexts(XElement root) =>
        Groups(root, "x-axis").Single().Elements(SvgNs + "g").Single(g => HasClass(g, "categories")).Elements(SvgNs + "text").ToList();

    private static List<string> Categories(XElement root, string axis) =>
        Groups(root, axis).Single().Elements(SvgNs + "g").Single(g => HasClass(g, "categories"))
            .Elements(SvgNs + "text").Select(t => t.Value).ToList();

    private static List<string> ColourBarTicks(XElement root) =>
        Groups(root, "colour-bar").Single().Elements(SvgNs + "g").Single(g => HasClass(g, "ticks"))
            .Elements(SvgNs + "text").Select(t => t.Value).ToList();

    private static string ColourBarTitle(XElement root) =>
        Groups(root, "colour-bar").Single().Elements(SvgNs + "text").Single(t => HasClass(t, "label")).Value;

    private static void ShouldBeOutlined(XElement root, XElement cell)
    {
        var outline = root.Descendants(SvgNs + "rect").Single(r => HasClass(r, "best-outline"));
        var rect = CellRect(cell);
        Number(outline, "x").Should().BeGreaterThanOrEqualTo(Number(rect, "x"));
        Number(outline, "y").Should().BeGreaterThanOrEqualTo(Number(rect, "y"));
        (Number(outline, "x") + Number(outline, "width")).Should().BeLessThanOrEqualTo(Number(rect, "x") + Number(rect, "width"));
        (Number(outline, "y") + Number(outline, "height")).Should().BeLessThanOrEqualTo(Number(rect, "y") + Number(rect, "height"));
        Number(outline, "width").Should().BeGreaterThan(Number(rect, "width") - 8);
        Number(outline, "stroke-width").Should().BeGreaterThanOrEqualTo(2);
    }

    /// <summary>The colour bar's "best" sits beyond its bottom end (lower is better) or its top end.</summary>
    private static void BestMarkIsAtEnd(XElement root, bool bottom)
    {
        var bar = Groups(root, "colour-bar").Single();
        var frame = bar.Elements(SvgNs + "rect").Single(r => HasClass(r, "frame"));
        double mark = Number(bar.Elements(SvgNs + "text").Single(t => HasClass(t, "best-mark")), "y");
        if (bottom)
        {
            mark.Should().BeGreaterThan(Number(frame, "y") + Number(frame, "height"));
        }
        else
        {
            mark.Should().BeLessThan(Number(frame, "y"));
        }
    }

    private static (int R, int G, int B) Rgb(string hex) =>
        (int.Parse(hex[1..3], NumberStyles.HexNumber), int.Parse(hex[3..5], NumberStyles.HexNumber), int.Parse(hex[5..7], NumberStyles.HexNumber));

    /// <summary>WCAG relative luminance.</summary>
    private static double Luminance(string hex)
    {
        static double Linear(int c) => c / 255.0 <= 0.04045 ? c / 255.0 / 12.92 : Math.Pow((c / 255.0 + 0.055) / 1.055, 2.4);
        var (r, g, b) = Rgb(hex);
        return 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
    }

    /// <summary>CIE L*: perceived lightness, 0 (black) to 100 (white).</summary>
    private static double Lightness(string hex)
    {
        double y = Luminance(hex);
        return y > 216.0 / 24389 ? 116 * Math.Cbrt(y) - 16 : y * 24389.0 / 27;
    }

    private static double Contrast(string a, string b)
    {
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }
}
