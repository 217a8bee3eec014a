namespace Bottleneck.Reports;

/// <summary>
/// What each heatmap cell says, and how large. Values share one font size, so none looks more
/// important than another, and the format that allows the largest size: four significant digits,
/// else three, else three in exponent form where that is shorter ("1.33e-4" for "0.000133"); if
/// none fits legibly, values go unlabelled and each cell's tooltip still carries its value.
/// "diverged" is fitted on its own, never larger than the values, so one failed run neither
/// shrinks nor removes the other labels.
/// </summary>
internal sealed class CellLabels
{
    public const string Diverged = "diverged";

    private const double MaxFontSize = 12;
    private const double MinValueFontSize = 7;
    private const double MinDivergedFontSize = 6.5;
    // Horizontal room a value label leaves in its cell: the best cell's outline runs inside it.
    private const double ValueSlack = 8;
    private const double DivergedSlack = 4;
    // Bold digits run about a tenth wider.
    private const double BoldWidening = 1.1;

    private static readonly Func<double, string>[] Formats =
    [
        v => NumberText.Significant(v, 4),
        v => NumberText.Significant(v, 3),
        v => NumberText.Compact(v, 3),
    ];

    private readonly double[,] _values;
    private readonly string[,] _texts;
    private readonly bool _showValues;
    private readonly bool _showDiverged;

    public CellLabels(double[,] values, double cellWidth, double cellHeight)
    {
        _values = values;
        double Fit(double widthPerPoint, double slack) =>
            Math.Min(MaxFontSize, Math.Min((cellWidth - slack) / widthPerPoint, cellHeight - 6));

        _texts = Format(values, Formats[0]);
        double widest = 0;
        foreach (var format in Formats)
        {
            var texts = Format(values, format);
            double width = Widest(values, texts);
            double size = Fit(width, ValueSlack);
            // Fewer digits only for a larger font; once full size is reached, keep the digits.
            if (size > ValueFontSize)
            {
                (_texts, ValueFontSize, widest) = (texts, size, width);
            }
            if (ValueFontSize >= MaxFontSize)
            {
                break;
            }
        }
        _showValues = ValueFontSize >= MinValueFontSize;
        BoldBest = _showValues && Fit(widest * BoldWidening, ValueSlack) >= ValueFontSize;
        DivergedFontSize = Math.Min(_showValues ? ValueFontSize : MaxFontSize, Fit(Svg.TextWidth(Diverged, 1), DivergedSlack));
        _showDiverged = DivergedFontSize >= MinDivergedFontSize;
    }

    /// <summary>Font size shared by all value labels.</summary>
    public double ValueFontSize { get; }

    /// <summary>Font size of the "diverged" labels.</summary>
    public double DivergedFontSize { get; }

    /// <summary>Whether the best cell's label has room to be set in bold.</summary>
    public bool BoldBest { get; }

    /// <summary>The label of cell [<paramref name="row"/>, <paramref name="column"/>], or null if it has none.</summary>
    public string? this[int row, int column] =>
        double.IsFinite(_values[row, column])
            ? (_showValues ? _texts[row, column] : null)
            : (_showDiverged ? Diverged : null);

    /// <summary>Font size for the label of cell [<paramref name="row"/>, <paramref name="column"/>].</summary>
    public double FontSize(int row, int column) => double.IsFinite(_values[row, column]) ? ValueFontSize : DivergedFontSize;

    /// <summary>Every finite value in <paramref name="format"/>; diverged cells stay empty.</summary>
    private static string[,] Format(double[,] values, Func<double, string> format)
    {
        var texts = new string[values.GetLength(0), values.GetLength(1)];
        for (int row = 0; row < values.GetLength(0); row++)
        {
            for (int column = 0; column < values.GetLength(1); column++)
            {
                texts[row, column] = double.IsFinite(values[row, column]) ? format(values[row, column]) : "";
            }
        }
        return texts;
    }

    /// <summary>Estimated width per point of font size of the widest value label.</summary>
    private static double Widest(double[,] values, string[,] texts)
    {
        double widest = 0;
        for (int row = 0; row < values.GetLength(0); row++)
        {
            for (int column = 0; column < values.GetLength(1); column++)
            {
                if (double.IsFinite(values[row, column]))
                {
                    widest = Math.Max(widest, Svg.TextWidth(texts[row, column], 1));
                }
            }
        }
        return widest;
    }
}
