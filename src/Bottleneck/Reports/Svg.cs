using System.Globalization;
using System.Text;

namespace Bottleneck.Reports;

/// <summary>
/// Append-only writer for a standalone SVG 1.1 document. Every attribute value and text node
/// passes through <see cref="Escape"/>, so chart code never has to think about XML syntax.
/// </summary>
internal sealed class Svg
{
    private const string FontFamily = "system-ui, sans-serif";

    // Rough advance width of an average glyph in em. There is no font engine to ask, so layout
    // reserves space from this; it is deliberately on the wide side so estimates err towards room.
    private const double AverageGlyphWidth = 0.6;

    private readonly StringBuilder _out = new();
    private int _openGroups;

    /// <summary>Starts a document of the given size; <paramref name="title"/> becomes its accessible name.</summary>
    public Svg(double width, double height, string title)
    {
        // No XML declaration: the same string can be saved as a .svg file or inlined into HTML.
        _out.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
        AppendAttributes(
        [
            ("width", Num(width)),
            ("height", Num(height)),
            ("viewBox", $"0 0 {Num(width)} {Num(height)}"),
            ("font-family", FontFamily),
            ("font-size", "12"),
        ]);
        _out.Append(">\n");
        Title(title);
    }

    public void Title(string text) => _out.Append("<title>").Append(Escape(text)).Append("</title>\n");

    public void Rect(double x, double y, double width, double height, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append("<rect");
        AppendAttributes([("x", Num(x)), ("y", Num(y)), ("width", Num(width)), ("height", Num(height))]);
        AppendAttributes(attributes);
        _out.Append("/>\n");
    }

    public void Line(double x1, double y1, double x2, double y2, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append("<line");
        AppendAttributes([("x1", Num(x1)), ("y1", Num(y1)), ("x2", Num(x2)), ("y2", Num(y2))]);
        AppendAttributes(attributes);
        _out.Append("/>\n");
    }

    public void Circle(double cx, double cy, double r, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append("<circle");
        AppendAttributes([("cx", Num(cx)), ("cy", Num(cy)), ("r", Num(r))]);
        AppendAttributes(attributes);
        _out.Append("/>\n");
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        var coordinates = new StringBuilder(points.Count * 12);
        foreach (var (x, y) in points)
        {
            if (coordinates.Length > 0)
            {
                coordinates.Append(' ');
            }
            coordinates.Append(Num(x)).Append(',').Append(Num(y));
        }
        _out.Append("<polyline");
        AppendAttributes([("points", coordinates.ToString()), ("fill", "none")]);
        AppendAttributes(attributes);
        _out.Append("/>\n");
    }

    public void Text(double x, double y, string text, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append("<text");
        AppendAttributes([("x", Num(x)), ("y", Num(y))]);
        AppendAttributes(attributes);
        _out.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    public void OpenGroup(params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append("<g");
        AppendAttributes(attributes);
        _out.Append(">\n");
        _openGroups++;
    }

    public void CloseGroup()
    {
        if (_openGroups == 0)
        {
            throw new InvalidOperationException("No group is open.");
        }
        _openGroups--;
        _out.Append("</g>\n");
    }

    public override string ToString()
    {
        if (_openGroups != 0)
        {
            throw new InvalidOperationException($"{_openGroups} group(s) left open.");
        }
        return _out + "</svg>\n";
    }

    /// <summary>Formats a coordinate or length: invariant culture, at most two decimals, never "-0".</summary>
    internal static string Num(double value)
    {
        // A NaN or infinity here means a chart failed to filter its data; writing it would produce
        // an SVG that browsers silently refuse to draw, so fail loudly instead.
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "SVG coordinates must be finite.");
        }
        double rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Makes arbitrary text safe as XML character data or attribute value. Characters that XML 1.0
    /// cannot carry at all (control characters, unpaired surrogates) become U+FFFD rather than
    /// producing a document no parser will accept.
    /// </summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                case '\t' or '\n' or '\r': escaped.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': escaped.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        escaped.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        escaped.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    }
                    break;
            }
        }
        return escaped.ToString();
    }

    private static readonly char[] WordBreaks = [' ', ',', ';', '=', '-', '_', '/'];

    /// <summary>Estimated rendered width of <paramref name="text"/>, for layout decisions.</summary>
    internal static double TextWidth(string text, double fontSize) => text.Length * fontSize * AverageGlyphWidth;

    /// <summary>
    /// Shortens <paramref name="text"/> with an ellipsis so its estimated width fits. With
    /// <paramref name="keepEnd"/> the ellipsis goes in the middle, for labels like "run-2024-01-07-a"
    /// and "run-2024-01-07-b" that differ only at the end.
    /// </summary>
    internal static string Fit(string text, double maxWidth, double fontSize, bool keepEnd = false)
    {
        int maxChars = Math.Max(1, (int)(maxWidth / (fontSize * AverageGlyphWidth)));
        if (text.Length <= maxChars)
        {
            return text;
        }
        int kept = maxChars - 1;
        int head = keepEnd ? (kept + 1) / 2 : kept;
        int tail = kept - head;
        // Cut between words, so no word is left half shown, unless a single word is all there is room for.
        int headBreak = head > 1 ? text.LastIndexOfAny(WordBreaks, head - 1, head - 1) : -1;
        if (headBreak > 0) head = headBreak + 1;
        if (tail > 0)
        {
            int from = text.Length - tail;
            int tailBreak = text.IndexOfAny(WordBreaks, from, tail);
            if (tailBreak >= 0 && tailBreak < text.Length - 1) tail = text.Length - tailBreak - 1;
        }
        // Never split a surrogate pair.
        if (head > 0 && char.IsHighSurrogate(text[head - 1]))
        {
            head--;
        }
        if (tail > 0 && char.IsLowSurrogate(text[^tail]))
        {
            tail--;
        }
        return string.Concat(text.AsSpan(0, head), "…", text.AsSpan(text.Length - tail));
    }

    private void AppendAttributes(ReadOnlySpan<(string Name, string Value)> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            _out.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        }
    }
}
