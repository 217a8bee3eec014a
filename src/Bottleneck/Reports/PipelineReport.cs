using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.Search;

namespace Bottleneck.Reports;

/// <summary>
/// A pipeline's run directory (<c>bottleneck run</c>): one folder per phase, each with its own files and report, and
/// at the top results.json (schema <see cref="SchemaName"/>) naming each phase's folder and best parameters, and a
/// report.html that shows every phase's key numbers, charts and image grids on one page.
/// </summary>
public sealed class PipelineReport() : ReportKind<PipelineReport.Results>(SchemaName)
{
    /// <summary>The schema name a pipeline's results.json carries.</summary>
    public const string SchemaName = "bottleneck/pipeline/v1";

    /// <summary>results.json of a pipeline.</summary>
    public sealed record Results(string Schema, string Status, Provenance Provenance, IReadOnlyList<Phase> Phases);

    /// <summary>One phase: its folder, and what the phases after it take from it.</summary>
    /// <param name="Best">A tune's or sweep's best parameters (null when it has no completed trial).</param>
    /// <param name="ModelOf">The train phase whose model a robustness or embed phase studied.</param>
    /// <param name="Name">The phase's name in the pipeline file.</param>
    /// <param name="Kind">The phase's kind (tune, sweep, train, robustness, embed, anomaly).</param>
    /// <param name="Directory">The phase's folder, relative to the pipeline's directory.</param>
    /// <param name="Settings">The phase's settings as it ran, with the best parameters it took from earlier phases.</param>
    /// <param name="Score">A tune's or sweep's best score (mean held-out MSE over folds).</param>
    /// <param name="TestMse">A train phase's test MSE.</param>
    public sealed record Phase(
        string Name,
        string Kind,
        string Directory,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Settings = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TrialParams? Best = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Score = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestMse = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelOf = null)
    {
        /// <summary>A robustness or embed phase's files.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Files { get; init; }

        /// <summary>An embed phase's key numbers, copied from its results so that this file holds the whole study's.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Method { get; init; }
        /// <summary>An embed phase's number of points.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Samples { get; init; }
        /// <summary>An embed phase's trustworthiness of the map.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Trustworthiness { get; init; }
        /// <summary>An embed phase's kNN accuracy in the map.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? KnnAccuracy { get; init; }
        /// <summary>A t-SNE phase's final KL divergence.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? KlDivergence { get; init; }
    }

    internal static void Write(RunDirectory dir, Results results)
    {
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        // The pipeline's page links each phase's own report.html (written by the phase's report writer).
        HtmlReport.Write(dir);
    }

    internal override IReadOnlyList<string> Figures { get; } = [];

    internal override string Title(Results r) => "Pipeline";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        var h = page.Html;
        h.Open("table").Line();
        h.Open("thead").Open("tr");
        foreach (var c in new[] { "phase", "kind", "result", "score / test MSE", "report" }) h.Element("th", c);
        h.Close("tr").Close("thead").Line().Open("tbody").Line();
        foreach (var p in r.Phases)
        {
            h.Open("tr");
            h.Open("td").Element("a", p.Name, ("href", "#" + Anchor(p.Name))).Close("td");
            h.Element("td", p.Kind);
            h.Element("td", p.Best is { } b ? ReportPage.Params(b) : p.Kind == "train" ? "the trained model" : p.ModelOf is { } of ? $"model of {of}" : "—");
            h.Element("td", ReportPage.Number(p.Score, 6) ?? ReportPage.Number(p.TestMse, 6) ?? "—", ("class", "num"));
            h.Open("td");
            if (PhaseReport(directory, p) is { } link) h.Element("a", link, ("href", link));
            h.Close("td");
            h.Close("tr").Line();
        }
        h.Close("tbody").Line().Close("table").Line();
        foreach (var p in r.Phases) PhaseSection(page, p, directory);
    }

    // A phase's key numbers (its kind's digest), charts, image grids and files, so that this one page shows the whole study.
    private static void PhaseSection(ReportPage page, Phase p, string directory)
    {
        var h = page.Html;
        h.Open("section", ("id", Anchor(p.Name)), ("class", "phase")).Line();
        h.Element("h3", $"Phase {p.Name} ({p.Kind})").Line();
        if (!RunDirectory.IsPlainName(p.Directory))
        {
            // A results file edited to point a phase elsewhere must not pull files from outside the run into the page.
            page.Paragraph($"The phase's folder '{p.Directory}' is not a folder of this run; nothing of it is shown.");
            h.Close("section").Line();
            return;
        }
        string folder = Path.Combine(directory, p.Directory);
        var results = Directory.Exists(folder) && File.Exists(Path.Combine(folder, HtmlReport.ResultsFile)) ? TryRead(folder) : null;
        var kind = ReportKinds.Find(results?["schema"] is JsonValue schema && schema.TryGetValue(out string? name) ? name : null);
        page.KeyValues(
        [
            ("status", results is null ? "not finished" : results["status"] is JsonValue status && status.TryGetValue(out string? s) ? s : "completed"),
            ("model of", p.ModelOf),
            ("best parameters", p.Best is { } best ? ReportPage.Params(best) : null),
            ("best score", ReportPage.Number(p.Score, 6)),
            // A finished phase's own results give its numbers below; until then, what the pipeline recorded.
            ("test MSE", kind is null ? ReportPage.Number(p.TestMse, 6) : null),
            ("folder", p.Directory + "/"),
        ]);
        if (results is not null && kind is not null) kind.Digest(page, results, folder);
        if (PhaseReport(directory, p) is { } link) page.Link("The phase's own page, with its settings and files: ", link);
        if (Directory.Exists(folder))
        {
            var files = RunFiles.Listed(folder);
            string prefix = p.Directory + "/";
            var figures = files.Where(f => kind?.Figures.Contains(f) == true).ToList();
            RunFiles.SvgFigures(h, folder, figures.Where(RunFiles.IsSvg), prefix);
            RunFiles.PngFigures(h, folder, figures.Where(RunFiles.IsPng), prefix, file => results is null ? null : kind?.Caption(file, results, folder));
            if (files.Count > 0)
            {
                h.Open("p", ("class", "files")).Text("Files: ");
                for (int i = 0; i < files.Count; i++)
                {
                    if (i > 0) h.Text(", ");
                    h.Element("a", files[i], ("href", prefix + files[i]));
                }
                h.Close("p").Line();
            }
        }
        h.Close("section").Line();
    }

    private static JsonObject? TryRead(string folder)
    {
        try { return HtmlReport.ReadResults(folder); }
        catch (ReportSourceException) { return null; }
    }

    private static string? PhaseReport(string directory, Phase phase) =>
        RunDirectory.IsPlainName(phase.Directory) && File.Exists(Path.Combine(directory, phase.Directory, HtmlReport.FileName)) ? $"{phase.Directory}/{HtmlReport.FileName}" : null;

    private static string Anchor(string name) =>
        "phase-" + new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
}
