using System.Globalization;

namespace Bottleneck.Reports;

/// <summary>
/// Renders a grid of results over two parameters (e.g. final loss per learning rate and weight
/// decay) as a standalone SVG 1.1 document (no scripts, fonts or external resources): one coloured,
/// labelled cell per value, the best cell outlined, and a colour bar as key.
/// </summary>
internal static class Heatmap
{
    private const double CanvasHeight = 480;
    private const double CategoryFontSize = 11;
    private const double MaxXCategoryWidth = 150;
    private const double MaxYCategoryWidth = 120;
    private const double RightMargin = 12;
    private const string CellGap = "#FFFFFF";
    // Diverged cells are hatched light grey: no colour of the ramp, so they cannot pass for a result.
    private const string DivergedFill = "#E4E4E4";
    private const string HatchInk = "#BDBDBD";
    private const double HatchSpacing = 7;
    private const double BestOutlineWidth = 3;

    /// <summary>Renders <paramref name="values"/>[y, x] as a grid, row 0 at the top and column 0 at the left.</summary>
    /// <param name="title">Chart heading.</param>
    /// <param name="xLabel">Horizontal axis title (the column parameter's name); empty for none.</param>
    /// <param name="xValues">Column headings, left to right, shown as given (e.g. "0.05", "1e-3").</param>
    /// <param name="yLabel">Vertical axis title (the row parameter's name); empty for none.</param>
    /// <param name="yValues">Row headings, top to bottom, shown as given.</param>
    /// <param name="values">One value per cell, indexed [row, column]. NaN or infinity marks the cell as diverged.</param>
    /// <param name="valueLabel">Name of the value, shown along the colour bar; empty for none.</param>
    /// <param name="lowerIsBetter">Whether the smallest value is the best (a loss) rather than the largest (an accuracy).</param>
    /// <param name="logColor">
    /// Colour by log10 of the values, for losses that span decades. Ignored (linear colours) if any
    /// finite value is zero or negative.
    /// </param>
    /// <returns>The SVG document as a string.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have one row per y value and one column per x value.</exception>
    internal static string Render(string title, string xLabel, IReadOnlyList<string> xValues, string yLabel,
        IReadOnlyList<string> yValues, double[,] values, string valueLabel, bool lowerIsBetter = true, bool logColor = false)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(xValues);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(yValues);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(valueLabel);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rows != yValues.Count || columns != xValues.Count)
        {
            throw new ArgumentException(
                $"values is {rows}×{columns} but there are {yValues.Count} y values and {xValues.Count} x values; " +
                "values[y, x] needs one row per y value and one column per x value.", nameof(values));
        }

        var svg = ChartFrame.Begin(title, CanvasHeight);
        if (rows == 0 || columns == 0)
        {
            ChartFrame.NoData(svg, ChartFrame.Plot(ChartFrame.MinimumMargin, ChartFrame.MinimumMargin,
                ChartFrame.BottomMargin(xLabel), CanvasHeight));
            return svg.ToString();
        }

        var scale = ColourScale.For(values.Cast<double>(), lowerIsBetter, logColor);
        var colourBar = scale is null ? null : new ColourBar(scale, valueLabel);
        var best = BestCell(values, lowerIsBetter);

        // Parameter values tend to differ at the end ("1e-3", "1e-4"), so shorten them in the middle.
        var xCategories = xValues.Select(v => Svg.Fit(v, MaxXCategoryWidth, CategoryFontSize, keepEnd: true)).ToArray();
        var yCategories = yValues.Select(v => Svg.Fit(v, MaxYCategoryWidth, CategoryFontSize, keepEnd: true)).ToArray();
        double widestX = xCategories.Max(c => Svg.TextWidth(c, CategoryFontSize));
        double widestY = yCategories.Max(c => Svg.TextWidth(c, CategoryFontSize));

        double left = ChartFrame.LeftMargin(widestY, yLabel);
        double right = colourBar is null ? ChartFrame.MinimumMargin : colourBar.Width + RightMargin;
        double band = (ChartFrame.Width - left - right) / columns;
        bool tilt = widestX > band - 6;
        // How far below the plot the column headings reach.
        double headingsDepth = 20;
        if (tilt)
        {
            (double depth, left) = ChartFrame.TiltedCategories(xCategories[0], widestX, band, left, CategoryFontSize);
            headingsDepth = 16 + depth;
        }
        double xTitleDepth = headingsDepth + 18;
        double bottom = xLabel.Length > 0 ? xTitleDepth + 12 : headingsDepth + 10;
        var plot = ChartFrame.Plot(left, right, bottom, CanvasHeight);
        double cellWidth = plot.Width / columns;
        double cellHeight = plot.Height / rows;

        var labels = new CellLabels(values, cellWidth, cellHeight);
        svg.OpenGroup(("class", "cells"));
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                double value = values[row, column];
                bool isBest = best == (row, column);
                string tooltip = $"{Coordinate(yLabel, yValues[row])}, {Coordinate(xLabel, xValues[column])}: " +
                    $"{Describe(value)}{(isBest ? " (best)" : "")}";
                DrawCell(svg, plot.Left + column * cellWidth, plot.Top + row * cellHeight, cellWidth, cellHeight,
                    value, scale, isBest, isBest && labels.BoldBest, tooltip, labels[row, column], labels.FontSize(row, column));
            }
        }
        svg.CloseGroup();
        if (best is (int bestRow, int bestColumn))
        {
            // Inside the cell, clear of the white gap to its neighbours, so the whole line shows on the best colour.
            double inset = 0.5 + BestOutlineWidth / 2;
            svg.Rect(plot.Left + bestColumn * cellWidth + inset, plot.Top + bestRow * cellHeight + inset,
                Math.Max(0, cellWidth - 2 * inset), Math.Max(0, cellHeight - 2 * inset),
                ("class", "best-outline"), ("fill", "none"), ("stroke", ChartFrame.Ink),
                ("stroke-width", Svg.Num(BestOutlineWidth)));
        }

        svg.OpenGroup(("class", "x-axis"));
        svg.OpenGroup(("class", "categories"), ("font-size", Svg.Num(CategoryFontSize)), ("fill", ChartFrame.Ink),
            ("text-anchor", tilt ? "end" : "middle"));
        for (int column = 0; column < columns; column++)
        {
            ChartFrame.CategoryLabel(svg, plot, plot.Left + cellWidth * (column + 0.5), xCategories[column], tilt);
        }
        svg.CloseGroup();
        ChartFrame.XTitle(svg, plot, plot.Bottom + xTitleDepth, xLabel);
        svg.CloseGroup();

        svg.OpenGroup(("class", "y-axis"));
        svg.OpenGroup(("class", "categories"), ("font-size", Svg.Num(CategoryFontSize)), ("fill", ChartFrame.Ink),
            ("text-anchor", "end"));
        for (int row = 0; row < rows; row++)
        {
            svg.Text(plot.Left - ChartFrame.TickGap, plot.Top + cellHeight * (row + 0.5) + CategoryFontSize * 0.35, yCategories[row]);
        }
        svg.CloseGroup();
        ChartFrame.YTitle(svg, plot, widestY, yLabel);
        svg.CloseGroup();

        colourBar?.Draw(svg, plot);
        return svg.ToString();
    }

    /// <summary>
    /// The finite value that is best (first in reading order on a tie), or null when every value
    /// diverged. An infinitely low loss is a failure like any other, never the best result.
    /// </summary>
    private static (int Row, int Column)? BestCell(double[,] values, bool lowerIsBetter)
    {
        (int Row, int Column)? best = null;
        double bestValue = 0;
        for (int row = 0; row < values.GetLength(0); row++)
        {
            for (int column = 0; column < values.GetLength(1); column++)
            {
                double value = values[row, column];
                if (double.IsFinite(value) && (best is null || (lowerIsBetter ? value < bestValue : value > bestValue)))
                {
                    (best, bestValue) = ((row, column), value);
                }
            }
        }
        return best;
    }

    private static void DrawCell(Svg svg, double x, double y, double width, double height, double value,
        ColourScale? scale, bool isBest, bool bold, string tooltip, string? label, double fontSize)
    {
        bool diverged = !double.IsFinite(value);
        svg.OpenGroup(("class", diverged ? "cell diverged" : isBest ? "cell best" : "cell"));
        svg.Title(tooltip);
        // A finite value implies a scale: it was built from exactly these values.
        string fill = diverged ? DivergedFill : scale!.Colour(value);
        svg.Rect(x, y, width, height, ("fill", fill), ("stroke", CellGap), ("stroke-width", "1"));
        if (diverged)
        {
            Hatch(svg, x + 0.5, y + 0.5, x + width - 0.5, y + height - 0.5);
        }
        if (label is not null)
        {
            List<(string Name, string Value)> attributes =
            [
                ("class", "value"), ("text-anchor", "middle"), ("font-size", Svg.Num(fontSize)),
                ("fill", diverged ? ChartFrame.Ink : ColourRamp.TextOn(fill)),
            ];
            if (diverged)
            {
                attributes.Add(("font-style", "italic"));
            }
            else if (bold)
            {
                attributes.Add(("font-weight", "700"));
            }
            svg.Text(x + width / 2, y + height / 2 + fontSize * 0.35, label, [.. attributes]);
        }
        svg.CloseGroup();
    }

    /// <summary>Diagonal lines (rising to the right) filling the rectangle, computed rather than a pattern so no ids are needed.</summary>
    private static void Hatch(Svg svg, double left, double top, double right, double bottom)
    {
        svg.OpenGroup(("class", "hatch"), ("stroke", HatchInk), ("stroke-width", "1"));
        // Each line is x + y = c; clip it to the rectangle.
        for (double c = left + top + HatchSpacing; c < right + bottom; c += HatchSpacing)
        {
            double x1 = Math.Max(left, c - bottom), x2 = Math.Min(right, c - top);
            if (x2 > x1)
            {
                svg.Line(x1, c - x1, x2, c - x2);
            }
        }
        svg.CloseGroup();
    }

    private static string Coordinate(string label, string value) => label.Length > 0 ? $"{label} = {value}" : value;

    private static string Describe(double value) =>
        double.IsFinite(value)
            ? NumberText.Significant(value, 4)
            : $"{CellLabels.Diverged} ({value.ToString(CultureInfo.InvariantCulture)})";
}
