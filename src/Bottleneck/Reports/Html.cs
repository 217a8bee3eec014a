using System.Text;

namespace Bottleneck.Reports;

/// <summary>
/// Append-only writer for an HTML page in XHTML-compatible syntax (every element closed, void
/// elements self-closed, attribute values quoted), so the page also parses as XML. Every text
/// node and attribute value passes through <see cref="Escape"/>; only <see cref="Raw"/> does not.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _out = new();

    /// <summary>Text safe in element content and in double-quoted attribute values.</summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>Opens an element: <c>Open("a", ("href", "x.csv"))</c>.</summary>
    public Html Open(string tag, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append('<').Append(tag);
        AppendAttributes(attributes);
        _out.Append('>');
        return this;
    }

    public Html Close(string tag)
    {
        _out.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding only text.</summary>
    public Html Element(string tag, string text, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        Open(tag, attributes);
        _out.Append(Escape(text));
        return Close(tag);
    }

    /// <summary>A void element (meta, img, br), self-closed.</summary>
    public Html Void(string tag, params ReadOnlySpan<(string Name, string Value)> attributes)
    {
        _out.Append('<').Append(tag);
        AppendAttributes(attributes);
        _out.Append(" />");
        return this;
    }

    public Html Text(string text)
    {
        _out.Append(Escape(text));
        return this;
    }

    /// <summary>Markup that is already valid (an SVG document, the style sheet): appended as is.</summary>
    public Html Raw(string markup)
    {
        _out.Append(markup);
        return this;
    }

    public Html Line()
    {
        _out.Append('\n');
        return this;
    }

    public override string ToString() => _out.ToString();

    private void AppendAttributes(ReadOnlySpan<(string Name, string Value)> attributes)
    {
        foreach (var (name, value) in attributes)
            _out.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
    }
}
