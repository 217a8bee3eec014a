using System.Globalization;
using System.Xml.Linq;

namespace Bottleneck.Tests.Reports;

/// <summary>Reading rendered charts back: elements by CSS class, numeric attributes.</summary>
public static class SvgDom
{
    public static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    public static XElement Parse(string svg) => XDocument.Parse(svg).Root!;

    public static bool HasClass(XElement e, string name) =>
        (e.Attribute("class")?.Value ?? "").Split(' ').Contains(name);

    public static List<XElement> Groups(XElement root, string cls) =>
        root.Descendants(SvgNs + "g").Where(g => HasClass(g, cls)).ToList();

    public static double Number(XElement e, string attribute) =>
        double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);
}
