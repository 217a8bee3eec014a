using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

/// <summary>
/// Builds <c>report.html</c> for a run directory from its files alone (results.json and the SVG, PNG and other
/// files beside it), so it can be rebuilt at any time: a title and summary from the results' kind (see
/// <see cref="ReportKinds"/>), every SVG chart inlined, every PNG inlined as a data: URI, links to the other
/// files, the exact settings and the command and software that reproduce the run. The page is self-contained
/// (no network, no scripts, no external style or fonts), every text is escaped, and the same files always give
/// the same bytes: nothing of the time of building goes into the page.
/// </summary>
/// <remarks>
/// The report writers call <see cref="Write(RunDirectory)"/> after results.json is in place, so a failure here
/// (an <see cref="IOException"/> from writing) never loses the results; <c>bottleneck report DIR</c> retries.
/// </remarks>
public static class HtmlReport
{
    /// <summary>The report's file name in a run directory.</summary>
    public const string FileName = "report.html";
    /// <summary>The results file every run directory ends with; the report is built from it.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>Writes report.html into a run directory whose results.json is written.</summary>
    internal static void Write(RunDirectory dir) => dir.WriteText(FileName, Build(dir.Path));

    /// <summary>Rebuilds <paramref name="directory"/>/report.html; <see cref="ReportSourceException"/> when results.json is missing or invalid.</summary>
    public static string Write(string directory)
    {
        string html = Build(directory);
        var dir = RunDirectory.Create(directory);
        dir.WriteText(FileName, html);
        return dir.File(FileName);
    }

    /// <summary>The page for <paramref name="directory"/>, from its files.</summary>
    internal static string Build(string directory)
    {
        var results = ReadResults(directory);
        var envelope = Envelope.Of(results);
        var kind = ReportKinds.Find(envelope.Schema);
        string title = kind?.Title(results, directory) ?? "Run report";

        var h = new Html();
        var page = new ReportPage(h);
        h.Raw("<!DOCTYPE html>\n");
        h.Open("html", ("lang", "en")).Line();
        h.Open("head").Line();
        h.Void("meta", ("charset", "utf-8")).Line();
        h.Void("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1")).Line();
        h.Element("title", envelope.Command.Length > 0 ? $"{title}: {envelope.Command}" : title).Line();
        h.Open("style").Raw(Style).Close("style").Line();
        h.Close("head").Line();
        h.Open("body").Line();

        h.Open("header").Line();
        h.Element("h1", title).Line();
        if (envelope.Command.Length > 0) h.Open("p", ("class", "command")).Element("code", envelope.Command).Close("p").Line();
        var meta = new List<string> { envelope.Schema ?? "unknown schema" };
        if (envelope.Status is { } status) meta.Add(status);
        if (ReportPage.When(envelope.Started) is { } started) meta.Add($"started {started}");
        h.Element("p", string.Join(" · ", meta), ("class", "meta")).Line();
        h.Close("header").Line();

        h.Open("section", ("id", "summary")).Element("h2", "Summary").Line();
        if (envelope.Status is { } s) page.Status(s, envelope.Message);
        if (kind is not null) kind.Summary(page, results, directory);
        else GenericSummary(page, results);
        h.Close("section").Line();

        var files = RunFiles.Listed(directory);
        string? Caption(string file) => kind?.Caption(file, results, directory);
        // Only the run's own figures are inlined: a file dropped into the folder is listed, never shown.
        var figures = files.Where(f => kind?.Figures.Contains(f) == true).ToList();
        Section(h, "charts", "Charts", () => RunFiles.SvgFigures(h, directory, figures.Where(RunFiles.IsSvg), ""), figures.Any(RunFiles.IsSvg));
        Section(h, "images", "Images", () => RunFiles.PngFigures(h, directory, figures.Where(RunFiles.IsPng), "", Caption), figures.Any(RunFiles.IsPng));
        FileList(h, directory, files);
        Reproduce(page, results, envelope, directory);

        h.Close("body").Line();
        h.Close("html").Line();
        return h.ToString();
    }

    /// <summary>results.json of <paramref name="directory"/> as a JSON object; <see cref="ReportSourceException"/> naming the file otherwise.</summary>
    internal static JsonObject ReadResults(string directory)
    {
        string path = Path.Combine(directory, ResultsFile);
        if (!File.Exists(path))
            throw new ReportSourceException($"{path} does not exist; give a run directory (one a bottleneck command wrote)");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ReportSourceException($"{path} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ReportSourceException($"{path} is not valid JSON ({e.Message})");
        }
    }

    // What every results file has, whatever its kind: read leniently, for the page's frame.
    private sealed record Envelope(string? Schema, string? Status, string? Message, string Command, string? Started)
    {
        internal static Envelope Of(JsonObject r)
        {
            var provenance = r["provenance"] as JsonObject;
            return new(Text(r["schema"]), Text(r["status"]), Text(r["message"]), Text(provenance?["command"]) ?? "", Text(provenance?["started"]));
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static void Section(Html h, string id, string heading, Action body, bool any)
    {
        if (!any) return;
        h.Open("section", ("id", id)).Element("h2", heading).Line();
        body();
        h.Close("section").Line();
    }

    // A schema Bottleneck does not know: its top-level numbers and strings are still worth showing.
    private static void GenericSummary(ReportPage page, JsonObject r) =>
        page.KeyValues([.. r.Where(kv => kv.Key is not ("schema" or "status" or "message") && kv.Value is JsonValue)
                            .Select(kv => (kv.Key, Text(kv.Value) ?? kv.Value!.ToJsonString()))]);

    private static void FileList(Html h, string directory, List<string> files)
    {
        var folders = Directory.EnumerateDirectories(directory).Select(d => Path.GetFileName(d)!)
            .Where(d => !d.StartsWith('.') && File.Exists(Path.Combine(directory, d, FileName))).Order(StringComparer.Ordinal).ToList();
        h.Open("section", ("id", "files")).Element("h2", "Files").Line().Open("ul", ("class", "files")).Line();
        foreach (var f in files) h.Open("li").Element("a", f, ("href", f)).Close("li").Line();
        foreach (var d in folders) h.Open("li").Element("a", $"{d}/{FileName}", ("href", $"{d}/{FileName}")).Close("li").Line();
        h.Close("ul").Line().Close("section").Line();
    }

    private static void Reproduce(ReportPage page, JsonObject r, Envelope envelope, string directory)
    {
        var h = page.Html;
        h.Open("section", ("id", "reproduce")).Element("h2", "Reproduce").Line();
        if (envelope.Command.Length > 0)
        {
            h.Element("p", "The command that made this run:").Line();
            h.Open("pre", ("class", "command")).Element("code", envelope.Command).Close("pre").Line();
        }
        if (r["provenance"] is JsonObject p)
        {
            Provenance? provenance = null;
            try { provenance = Json.Deserialize<Provenance>(p, ReportsJson.Default); }
            catch (JsonException) { }
            if (provenance is not null)
                page.KeyValues(
                [
                    ("bottleneck", provenance.BottleneckVersion),
                    ("runtime", provenance.Runtime),
                    ("OS", provenance.Os),
                    ("CPUs", provenance.CpuCount > 0 ? ReportPage.Invariant(provenance.CpuCount) : null),
                    ("threads", provenance.Threads == 0 ? "0 (chosen per phase or automatic)" : ReportPage.Invariant(provenance.Threads)),
                    ("SIMD path", provenance.Simd),
                    ("started", ReportPage.When(provenance.Started)),
                ]);
            if (provenance?.Continued is { Count: > 0 } continued)
            {
                h.Element("p", "Continued by:").Line();
                h.Open("table").Open("thead").Open("tr").Element("th", "started").Element("th", "threads").Element("th", "command").Close("tr").Close("thead");
                h.Open("tbody");
                foreach (var step in continued)
                    h.Open("tr").Element("td", ReportPage.When(step.Started) ?? step.Started).Element("td", ReportPage.Invariant(step.Threads))
                     .Open("td").Element("code", step.Command).Close("td").Close("tr");
                h.Close("tbody").Close("table").Line();
            }
        }
        // The exact settings: the settings object, the pipeline file, or for an unknown schema the whole results.json.
        string yaml = Path.Combine(directory, "pipeline.yaml");
        (string label, string text) = r["settings"] is JsonObject s ? ("Settings (from results.json)", Json.Serialize(s.DeepClone()))
            : File.Exists(yaml) ? ("Pipeline (pipeline.yaml)", File.ReadAllText(yaml))
            : ("results.json", Json.Serialize(r.DeepClone()));
        h.Open("details").Element("summary", label).Element("pre", text.TrimEnd()).Close("details").Line();
        h.Close("section").Line();
    }

    private const string Style = """

        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
        p.meta { color: #666; margin-top: 0.2rem; }
        p.headline { font-size: 1.15rem; margin: 0.6rem 0; }
        code, pre { font-family: ui-monospace, monospace; font-size: 0.9rem; }
        p.command code, pre.command { background: #f4f4f4; padding: 0.2rem 0.4rem; border-radius: 3px; }
        pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
        table { border-collapse: collapse; margin: 0.6rem 0; }
        th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #f0f0f0; }
        table.keys th { background: #fafafa; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fbfbfb; }
        .ok { color: #1a7f37; } .bad { color: #b42318; }
        figure { margin: 1rem 0; } figure svg { width: 100%; max-width: 960px; height: auto; }
        figcaption { color: #555; font-size: 0.9rem; }
        img.pixels { image-rendering: pixelated; max-width: 100%; border: 1px solid #ddd; }
        details summary { cursor: pointer; font-weight: 600; margin: 0.6rem 0; }
        section.phase { border-left: 3px solid #ddd; padding-left: 0.8rem; margin: 1rem 0; }
        ul.files { columns: 2; }

        """;
}
