using System.Text.RegularExpressions;
using System.Xml;

namespace Bottleneck.Reports;

/// <summary>
/// Whether an SVG file may be inlined in a report, which promises no scripts and no network: only the drawing
/// elements and presentation attributes Bottleneck's charts use, no DTD, no event handlers, no links or
/// references outside the drawing. Anything else and the file is listed but not inlined.
/// </summary>
internal static partial class SvgSafety
{
    private static readonly HashSet<string> Elements =
        ["svg", "g", "rect", "line", "polyline", "polygon", "circle", "ellipse", "path", "text", "tspan", "title", "desc"];

    /// <summary>Null when the markup is safe to inline; otherwise what is wrong with it, for the page to say.</summary>
    internal static string? Problem(string markup)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(new StringReader(markup), settings);
            bool root = true;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.ProcessingInstruction && reader.Name != "xml") return $"a processing instruction <?{reader.Name}?>";
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (root && reader.LocalName != "svg") return $"a root element <{reader.LocalName}>, not <svg>";
                root = false;
                if (!Elements.Contains(reader.LocalName)) return $"an element <{reader.LocalName}>";
                if (!reader.MoveToFirstAttribute()) continue;
                do
                {
                    if (reader.Name.StartsWith("xmlns", StringComparison.Ordinal)) continue;
                    if (!Attribute().IsMatch(reader.Name)) return $"an attribute {reader.Name}";
                    if (Reference().IsMatch(reader.Value)) return $"a reference in {reader.Name}";
                } while (reader.MoveToNextAttribute());
            }
            return root ? "no <svg> element" : null;
        }
        catch (XmlException e)
        {
            return $"markup that is not well-formed ({e.Message})";
        }
    }

    [GeneratedRegex(@"^(x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|dx|dy|width|height|points|d|viewBox|version|class|transform|fill|fill-opacity|fill-rule|stroke|stroke-[a-z]+|opacity|font-[a-z]+|text-anchor|dominant-baseline|shape-rendering|role|aria-label)$")]
    private static partial Regex Attribute();

    // url(…) to anything but a fragment of the drawing, javascript:, data:, and the like.
    [GeneratedRegex(@"url\(\s*['""]?(?!#)|javascript:|data:|\bexpression\(", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
