using System.Buffers.Binary;
using System.Globalization;

namespace Bottleneck.Reports;

/// <summary>The files of a run directory as a report shows them: which are listed, and the charts and image grids inlined as figures.</summary>
internal static class RunFiles
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    internal static bool IsSvg(string file) => file.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    internal static bool IsPng(string file) => file.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    /// <summary>Files that describe the run, in ordinal order: not the report itself, temporary or hidden files, or database side files.</summary>
    internal static List<string> Listed(string directory) =>
    [
        .. Directory.EnumerateFiles(directory).Select(f => Path.GetFileName(f)!)
            .Where(f => f != HtmlReport.FileName && !f.StartsWith('.') && !f.Contains(".partial", StringComparison.Ordinal)
                        && !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)
                        && !f.EndsWith("-journal", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>A chart file larger than this is not one of ours (ours are tens of kilobytes) and is not inlined.</summary>
    private const long MaxFigureBytes = 8 << 20;

    /// <summary>
    /// Each SVG file inlined as a figure captioned with a link to the file (<paramref name="link"/> is the folder prefix
    /// from the page); a file that is not plain drawing (see <see cref="SvgSafety"/>) is named, not inlined.
    /// </summary>
    internal static void SvgFigures(Html h, string directory, IEnumerable<string> names, string link)
    {
        foreach (var name in names)
        {
            string path = Path.Combine(directory, name);
            string markup = new FileInfo(path).Length <= MaxFigureBytes ? File.ReadAllText(path) : "";
            int start = markup.IndexOf("<svg", StringComparison.Ordinal);
            string? problem = start < 0 ? "no <svg> element" : SvgSafety.Problem(markup[start..]);
            h.Open("figure").Line();
            if (problem is null) h.Raw(markup[start..].TrimEnd()).Line();
            else h.Element("p", $"{name} is not shown: it holds {problem}, which a report does not inline");
            h.Open("figcaption").Element("a", name, ("href", link + name)).Close("figcaption").Line();
            h.Close("figure").Line();
        }
    }

    /// <summary>Each PNG file inlined as a data: URI, captioned with a link to the file and what its rows and columns are.</summary>
    internal static void PngFigures(Html h, string directory, IEnumerable<string> names, string link, Func<string, string?> caption)
    {
        foreach (var name in names)
        {
            string path = Path.Combine(directory, name);
            if (new FileInfo(path).Length > MaxFigureBytes) continue;
            byte[] png = File.ReadAllBytes(path);
            if (!png.AsSpan().StartsWith(PngSignature)) continue;
            string data = Convert.ToBase64String(png);
            h.Open("figure").Line();
            if (DisplaySize(png) is { } size)
                h.Void("img", ("src", "data:image/png;base64," + data), ("alt", name), ("class", "pixels"),
                       ("width", size.Width.ToString(CultureInfo.InvariantCulture)), ("height", size.Height.ToString(CultureInfo.InvariantCulture))).Line();
            else h.Void("img", ("src", "data:image/png;base64," + data), ("alt", name), ("class", "pixels")).Line();
            h.Open("figcaption").Element("a", name, ("href", link + name));
            if (caption(name) is { } text) h.Text(": " + text);
            h.Close("figcaption").Line();
            h.Close("figure").Line();
        }
    }

    // Small image grids (8×8 digits) are drawn at a whole multiple of their size, up to 4× and about 600 pixels a side, so the pixels can be seen;
    // null for a file that is not a PNG.
    internal static (int Width, int Height)? DisplaySize(byte[] png)
    {
        // The signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4, big-endian), height (4).
        if (png.Length < 24 || png[12] != (byte)'I' || png[13] != (byte)'H' || png[14] != (byte)'D' || png[15] != (byte)'R') return null;
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        int height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        if (width <= 0 || height <= 0) return null;
        // Neither side past about 600 pixels, so a tall grid of small images does not grow to several screens.
        int scale = Math.Clamp(Math.Min(600 / width, 600 / height), 1, 4);
        return (width * scale, height * scale);
    }
}
