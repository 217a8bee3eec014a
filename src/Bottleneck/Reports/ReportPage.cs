using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Search;

namespace Bottleneck.Reports;

/// <summary>
/// The pieces a report.html section is made of, so that every kind's summary looks alike: key/value tables,
/// data tables with numbers right-aligned, a status line, inline figures, and numbers written to a few
/// significant digits. Everything written passes through <see cref="Html"/>'s escaping.
/// </summary>
internal sealed class ReportPage(Html html)
{
    public Html Html { get; } = html;

    public void Heading(string level, string text) => Html.Element(level, text).Line();

    public void Paragraph(string text) => Html.Element("p", text).Line();

    public void Status(string status, string? message)
    {
        Html.Open("p").Text("Status: ").Element("strong", status, ("class", status == "completed" ? "ok" : "bad"));
        if (!string.IsNullOrEmpty(message)) Html.Text($" ({message})");
        Html.Close("p").Line();
    }

    /// <summary>A two-column table of the pairs whose value is not empty.</summary>
    public void KeyValues(IEnumerable<(string Key, string? Value)> pairs)
    {
        var present = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).ToList();
        if (present.Count == 0) return;
        Html.Open("table", ("class", "keys")).Line();
        foreach (var (key, value) in present) Html.Open("tr").Element("th", key).Element("td", value!).Close("tr").Line();
        Html.Close("table").Line();
    }

    /// <summary>A table with a header row; the columns in <paramref name="numeric"/> are right-aligned.</summary>
    public void Table(IReadOnlyList<string> header, IReadOnlyList<string[]> rows, int[] numeric)
    {
        Html.Open("table").Line().Open("thead").Open("tr");
        foreach (var c in header) Html.Element("th", c);
        Html.Close("tr").Close("thead").Line().Open("tbody").Line();
        foreach (var row in rows)
        {
            Html.Open("tr");
            for (int i = 0; i < row.Length; i++)
                if (numeric.Contains(i)) Html.Element("td", row[i], ("class", "num"));
                else Html.Element("td", row[i]);
            Html.Close("tr").Line();
        }
        Html.Close("tbody").Line().Close("table").Line();
    }

    /// <summary>A bulleted list, under a heading, when there is anything in it.</summary>
    /// <summary>The page's key figure in one bold line at the top of the summary; nothing when there is none.</summary>
    public void Headline(string? text)
    {
        if (text is null) return;
        Html.Open("p", ("class", "headline")).Element("strong", text).Close("p").Line();
    }

    public void List(string heading, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        Html.Element("h3", heading).Open("ul").Line();
        foreach (var item in items) Html.Element("li", item).Line();
        Html.Close("ul").Line();
    }

    /// <summary>A paragraph with a link.</summary>
    public void Link(string text, string href)
    {
        Html.Open("p").Text(text).Element("a", href, ("href", href)).Close("p").Line();
    }

    /// <summary>A number to <paramref name="digits"/> significant digits, or null when it is NaN or absent.</summary>
    internal static string? Number(double? value, int digits) => value is { } v && double.IsFinite(v) ? NumberText.Significant(v, digits) : null;

    /// <summary>"mean ± std" (four and two digits); just the mean when there is no spread to show; "—" for no value.</summary>
    /// <summary>"0.0123 ± 0.0004"; the mean alone when it is of one value (<paramref name="count"/> 1), which has no spread to show.</summary>
    internal static string PlusMinus(double mean, double? std, int count = 2) =>
        Number(mean, 4) is not { } m ? "—" : count > 1 && Number(std, 2) is { } s ? $"{m} ± {s}" : m;

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Searched settings as the command line writes them: lr=0.01, weight-decay=1e-5.</summary>
    internal static string Params(JsonObject? parameters) => parameters is null ? "" : Params(TrialParams.FromJson(parameters));

    internal static string Params(TrialParams parameters) => string.Join(", ", parameters.Values.Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>A recorded time to the second, with its UTC offset: fractions of a second only make the page harder to read.</summary>
    internal static string? When(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
        : text;

    internal static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
