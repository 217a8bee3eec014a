using System.Globalization;
using System.Text.Json;
using Bottleneck.Search;
using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

/// <summary>
/// Builds <c>report.html</c> for a run directory from its files alone (results.json and the
/// SVG, PNG and other files beside it), so it can be rebuilt at any time: a title from the
/// schema and the command, a summary of the key numbers for each known schema, every SVG chart
/// inlined, every PNG inlined as a data: URI, links to the other files, the exact settings and
/// the command and software that reproduce the run. The page is self-contained (no network,
/// no scripts, no external style or fonts), every text is escaped, and the same files always
/// give the same bytes: nothing of the time of building goes into the page.
/// </summary>
/// <remarks>
/// The report writers call <see cref="Write(RunDirectory)"/> after results.json is in place, so a
/// failure here (an <see cref="IOException"/> from writing) never loses the results; the message
/// reaches the user through the CLI's one-line error, and <c>bottleneck report DIR</c> retries.
/// </remarks>
public static partial class HtmlReport
{
    public const string FileName = "report.html";
    public const string ResultsFile = "results.json";

    /// <summary>Trials shown in a tune or sweep summary; the rest are in trials.csv.</summary>
    public const int TopTrials = 10;

    /// <summary>Writes report.html into a run directory whose results.json is written.</summary>
    public static void Write(RunDirectory dir) => dir.WriteText(FileName, Build(dir.Path));

    /// <summary>Rebuilds <paramref name="directory"/>/report.html; <see cref="ReportSourceException"/> when results.json is missing or invalid.</summary>
    public static string Write(string directory)
    {
        string html = Build(directory);
        var dir = RunDirectory.Create(directory);
        dir.WriteText(FileName, html);
        return dir.File(FileName);
    }

    /// <summary>The page for <paramref name="directory"/>, from its files.</summary>
    public static string Build(string directory)
    {
        var results = ReadResults(directory);
        string schema = Str(results["schema"]) ?? "unknown schema";
        string command = Str(At(results, "provenance", "command")) ?? "";
        string title = Title(schema, results);

        var h = new Html();
        h.Raw("<!DOCTYPE html>\n");
        h.Open("html", ("lang", "en")).Line();
        h.Open("head").Line();
        h.Void("meta", ("charset", "utf-8")).Line();
        h.Void("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1")).Line();
        h.Element("title", command.Length > 0 ? $"{title}: {command}" : title).Line();
        h.Open("style").Raw(Style).Close("style").Line();
        h.Close("head").Line();
        h.Open("body").Line();

        h.Open("header").Line();
        h.Element("h1", title).Line();
        if (command.Length > 0) h.Open("p", ("class", "command")).Element("code", command).Close("p").Line();
        var meta = new List<string> { schema };
        if (Str(results["status"]) is { } status) meta.Add(status);
        if (When(At(results, "provenance", "started")) is { } started) meta.Add($"started {started}");
        h.Element("p", string.Join(" · ", meta), ("class", "meta")).Line();
        h.Close("header").Line();

        h.Open("section", ("id", "summary")).Element("h2", "Summary").Line();
        if (Str(results["status"]) is { } s) Status(h, s, Str(results["message"]));
        switch (schema)
        {
            case OptimizerStudyReport.Schema: OptimizersSummary(h, results); break;
            case TrainReport.Schema: TrainSummary(h, results); break;
            case StudyReport.Schema: StudySummary(h, results); break;
            case PipelineSchema: PipelineSummary(h, results, directory); break;
            case RobustnessReport.Schema: RobustnessSummary(h, results); break;
            case EmbedReport.Schema: EmbedSummary(h, results); break;
            default: GenericSummary(h, results); break;
        }
        h.Close("section").Line();

        var files = Files(directory);
        Charts(h, directory, files.Where(f => f.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)));
        Images(h, directory, files.Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)), results);
        FileList(h, directory, files);
        Reproduce(h, results, directory);

        h.Close("body").Line();
        h.Close("html").Line();
        return h.ToString();
    }

    /// <summary>The pipeline schema (written by <c>bottleneck run</c>).</summary>
    public const string PipelineSchema = "bottleneck/pipeline/v1";

    private static JsonObject ReadResults(string directory)
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

    private static string Title(string schema, JsonObject results) => schema switch
    {
        OptimizerStudyReport.Schema => "Optimizer study",
        TrainReport.Schema => "Training run",
        StudyReport.Schema => Str(At(results, "settings", "kind")) switch
        {
            "tune" => "Hyperparameter search (tune)",
            "sweep" => "Sweep",
            _ => "Study",
        },
        PipelineSchema => "Pipeline",
        RobustnessReport.Schema => "Robustness to noise and occlusion",
        EmbedReport.Schema => EmbedTitle(results),
        _ => "Run report",
    };

    // ---- summaries --------------------------------------------------------------------------

    private static void Status(Html h, string status, string? message)
    {
        h.Open("p").Text("Status: ").Element("strong", status, ("class", status == "completed" ? "ok" : "bad"));
        if (!string.IsNullOrEmpty(message)) h.Text($" ({message})");
        h.Close("p").Line();
    }

    private static void OptimizersSummary(Html h, JsonObject r)
    {
        var data = r["data"] as JsonObject;
        KeyValues(h,
        [
            ("dataset", Str(At(r, "data", "name")) ?? Str(At(r, "settings", "dataset"))),
            ("features", Str(data?["features"])),
            ("train / test samples", data is null ? null : $"{Str(data["train"])} / {Str(data["test"])}"),
            ("MSE floor (predicting the mean)", Number(data?["mse_floor"], 6)),
            ("epochs", Str(At(r, "settings", "epochs"))),
            ("repeats", Str(At(r, "settings", "repeat"))),
            ("seconds", Number(r["seconds"], 3)),
        ]);
        h.Element("h3", "Ranking").Line();
        var rows = Array(r["ranking"]).Select(x => new[]
        {
            Str(x?["rank"]) ?? "", Str(x?["optimizer"]) ?? "",
            // One run has no spread to show.
            Num(x?["runs"]) > 1 ? PlusMinus(x?["mean_test_mse"], x?["std_test_mse"]) : Number(x?["mean_test_mse"], 4) ?? "—",
            Str(x?["runs"]) ?? "", Str(x?["diverged"]) ?? "", Str(x?["status"]) ?? "",
        }).ToList();
        Table(h, ["rank", "optimizer", "test MSE (mean ± std)", "runs", "diverged", "status"], rows, numeric: [0, 2, 3, 4]);
        var warnings = Array(r["warnings"]).Select(Str).OfType<string>().ToList();
        if (warnings.Count > 0)
        {
            h.Element("h3", "Warnings").Open("ul").Line();
            foreach (var w in warnings) h.Element("li", w).Line();
            h.Close("ul").Line();
        }
    }

    private static void TrainSummary(Html h, JsonObject r)
    {
        KeyValues(h,
        [
            ("test MSE", Number(r["test_mse"], 6)),
            ("images per second", Number(r["images_per_second"], 4)),
            ("parameters", Str(At(r, "model", "parameters"))),
            ("code size", Str(At(r, "model", "code_size"))),
            ("dataset", Str(At(r, "settings", "dataset"))),
            ("train / test samples", $"{Str(At(r, "settings", "train_samples"))} / {Str(At(r, "settings", "test_samples"))}"),
            ("model", Str(At(r, "settings", "model"))),
            ("optimizer", Str(At(r, "settings", "optimizer", "name")) is { } o ? $"{o}, lr {Str(At(r, "settings", "optimizer", "learning_rate"))}" : null),
            ("epochs", $"{Array(r["epochs"]).Count()} of {Str(At(r, "settings", "epochs"))}"),
            ("seconds", Number(r["seconds"], 3)),
        ]);
        if (Str(At(r, "model", "summary")) is { } summary)
        {
            h.Element("h3", "Model").Line();
            h.Element("pre", summary).Line();
        }
    }

    private static void StudySummary(Html h, JsonObject r)
    {
        bool tune = Str(At(r, "settings", "kind")) == "tune";
        var trials = Array(r["trials"]).OfType<JsonObject>().ToList();
        var best = r["best"] as JsonObject;
        KeyValues(h,
        [
            ("best parameters", best?["params"] is JsonObject bp ? Params(bp) : "none (no completed trial)"),
            ("best score", Number(best?["score"], 6)),
            ("trials", trials.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("unfinished trials", Str(r["unfinished_trials"])),
            ("dataset", Str(At(r, "settings", "dataset"))),
            ("model", Str(At(r, "settings", "model"))),
            ("folds", tune ? Str(At(r, "settings", "folds")) : null),
            ("epochs per trial", Str(At(r, "settings", "epochs"))),
            ("pruner", Str(At(r, "settings", "pruner"))),
            ("pruning", Savings(r)),
            ("seconds", Number(r["seconds"], 3)),
        ]);
        if (r["verification"] is JsonObject v)
        {
            h.Element("h3", "Verification against the full grid").Line();
            bool found = v["pruned_search_found_it"] is JsonValue f && f.TryGetValue(out bool b) && b;
            h.Open("p").Text("The full grid's best is ")
                .Element("code", v["full_grid_best"] is JsonObject fb ? Params(fb) : "?")
                .Text($" (score {Number(v["full_grid_best_score"], 6) ?? "?"}): ")
                .Element("strong", found ? "the pruned search found it" : "the pruned search did not find it", ("class", found ? "ok" : "bad"))
                .Text(".").Close("p").Line();
        }
        TrialsTable(h, r);
    }

    // The top trials as study B's Table 1: rank, settings, loss as mean ± std, score.
    private static void TrialsTable(Html h, JsonObject r)
    {
        bool tune = Str(At(r, "settings", "kind")) == "tune";
        var trials = Array(r["trials"]).OfType<JsonObject>().ToList();
        var names = trials.SelectMany(t => (t["params"] as JsonObject)?.Select(p => p.Key) ?? []).Distinct().ToList();
        string loss = tune ? "validation loss (mean ± std over folds)" : "test loss (mean ± std)";
        h.Element("h3", trials.Count > TopTrials ? $"Top {TopTrials} of {trials.Count} trials" : "Trials").Line();
        var rows = trials.Take(TopTrials).Select(t => new[] { Str(t["rank"]) ?? "" }
            .Concat(names.Select(n => ParamValue((t["params"] as JsonObject)?[n])))
            .Concat([Str(t["status"]) ?? "", PlusMinus(t["mean_val_loss"], t["std_val_loss"]), Number(t["score"], 4) ?? "—", Str(t["epochs_trained"]) ?? ""])
            .ToArray()).ToList();
        int n = names.Count;
        Table(h, ["rank", .. names, "status", loss, "score", "epochs trained"], rows, numeric: [0, n + 2, n + 3, n + 4]);
    }

    // Epochs the search trained against what the full grid would have needed.
    private static string? Savings(JsonObject r)
    {
        if (Num(r["epochs_trained"]) is not { } trained || Num(r["full_grid_epochs"]) is not { } full || full <= 0) return null;
        bool halving = Bool(At(r, "settings", "halving"));
        if (!halving && trained >= full) return null;
        string of = $"{trained:0} of the full grid's {full:0} epochs trained";
        return trained < full ? $"{of} ({NumberText.Significant(100 * (1 - trained / full), 3)}% saved)" : of;
    }

    private static void PipelineSummary(Html h, JsonObject r, string directory)
    {
        var phases = Array(r["phases"]).OfType<JsonObject>().ToList();
        h.Open("table").Line();
        h.Open("thead").Open("tr");
        foreach (var c in new[] { "phase", "kind", "result", "score / test MSE", "report" }) h.Element("th", c);
        h.Close("tr").Close("thead").Line().Open("tbody").Line();
        foreach (var p in phases)
        {
            string name = Str(p["name"]) ?? "";
            h.Open("tr");
            h.Open("td").Element("a", name, ("href", "#" + Anchor(name))).Close("td");
            h.Element("td", Str(p["kind"]) ?? "");
            h.Element("td", p["best"] is JsonObject b ? Params(b) : Str(p["kind"]) == "train" ? "final model"
                          : Str(p["model_of"]) is { } of ? $"model of {of}" : "—");
            h.Element("td", Number(p["score"], 6) ?? Number(p["test_mse"], 6) ?? "—", ("class", "num"));
            h.Open("td");
            if (PhaseReport(directory, p) is { } link) h.Element("a", link, ("href", link));
            h.Close("td");
            h.Close("tr").Line();
        }
        h.Close("tbody").Line().Close("table").Line();

        foreach (var p in phases)
        {
            string name = Str(p["name"]) ?? "";
            h.Open("section", ("id", Anchor(name)), ("class", "phase")).Line();
            h.Element("h3", $"Phase {name} ({Str(p["kind"])})").Line();
            string? folder = Str(p["directory"]);
            var phase = folder is null ? null : TryReadResults(Path.Combine(directory, folder));
            KeyValues(h,
            [
                ("status", Str(phase?["status"]) ?? (phase is null ? "not finished" : "completed")),
                ("model of", Str(p["model_of"])),
                ("method", Str(p["method"])),
                ("samples", Str(p["samples"])),
                ("trustworthiness", Number(p["trustworthiness"], 4)),
                ("5-NN accuracy of the codes", Number(p["knn_accuracy"], 4)),
                ("KL divergence", Number(p["kl_divergence"], 4)),
                ("best parameters", p["best"] is JsonObject b ? Params(b) : null),
                ("best score", Number(p["score"], 6)),
                ("test MSE", Number(p["test_mse"], 6)),
                ("images per second", Number(phase?["images_per_second"], 4)),
                ("folder", folder is null ? null : folder + "/"),
            ]);
            if (phase is not null && Str(phase["schema"]) == StudyReport.Schema) TrialsTable(h, phase);
            if (PhaseReport(directory, p) is { } link)
                h.Open("p").Text("The phase's own page, with its settings and files: ").Element("a", link, ("href", link)).Close("p").Line();
            if (folder is not null && Directory.Exists(Path.Combine(directory, folder)))
            {
                // The phase's charts and image grids, so that this one page shows the whole study.
                string phaseDirectory = Path.Combine(directory, folder);
                var present = Files(phaseDirectory);
                SvgFigures(h, phaseDirectory, present.Where(f => f.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)), folder + "/");
                PngFigures(h, phaseDirectory, present.Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)), folder + "/", phase);
            }
            if (folder is not null && Array(p["files"]).Select(Str).OfType<string>().ToList() is { Count: > 0 } files)
            {
                h.Open("p", ("class", "files")).Text("Files: ");
                for (int i = 0; i < files.Count; i++)
                {
                    if (i > 0) h.Text(", ");
                    h.Element("a", files[i], ("href", $"{folder}/{files[i]}"));
                }
                h.Close("p").Line();
            }
            h.Close("section").Line();
        }
    }

    private static string? PhaseReport(string directory, JsonObject phase) =>
        Str(phase["directory"]) is { } folder && File.Exists(Path.Combine(directory, folder, FileName)) ? $"{folder}/{FileName}" : null;

    private static JsonObject? TryReadResults(string directory)
    {
        try { return ReadResults(directory); }
        catch (ReportSourceException) { return null; }
    }

    // Whatever the schema, its top-level numbers and strings are worth showing.
    private static void GenericSummary(Html h, JsonObject r) =>
        KeyValues(h, [.. r.Where(kv => kv.Key is not ("schema" or "status" or "message") && kv.Value is JsonValue)
                          .Select(kv => (kv.Key, Str(kv.Value)))]);

    // ---- files ------------------------------------------------------------------------------

    // Files that describe the run, in ordinal order; not the report itself, temporary or hidden files, or database side files.
    private static List<string> Files(string directory) =>
    [
        .. Directory.EnumerateFiles(directory).Select(f => Path.GetFileName(f)!)
            .Where(f => f != FileName && !f.StartsWith('.') && !f.EndsWith(".partial", StringComparison.Ordinal)
                        && !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)
                        && !f.EndsWith("-journal", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    private static void Charts(Html h, string directory, IEnumerable<string> svgs)
    {
        var list = svgs.ToList();
        if (list.Count == 0) return;
        h.Open("section", ("id", "charts")).Element("h2", "Charts").Line();
        SvgFigures(h, directory, list, "");
        h.Close("section").Line();
    }

    private static void Images(Html h, string directory, IEnumerable<string> pngs, JsonObject results)
    {
        var list = pngs.ToList();
        if (list.Count == 0) return;
        h.Open("section", ("id", "images")).Element("h2", "Images").Line();
        PngFigures(h, directory, list, "", results);
        h.Close("section").Line();
    }

    /// <summary>Each SVG file inlined as a figure captioned with a link to the file (<paramref name="link"/> is the folder prefix from the page).</summary>
    private static void SvgFigures(Html h, string directory, IEnumerable<string> names, string link)
    {
        foreach (var name in names)
        {
            string markup = File.ReadAllText(Path.Combine(directory, name));
            int start = markup.IndexOf("<svg", StringComparison.Ordinal);
            h.Open("figure").Line();
            if (start >= 0) h.Raw(markup[start..].TrimEnd()).Line();
            else h.Element("p", $"{name} holds no <svg> element");
            h.Open("figcaption").Element("a", name, ("href", link + name)).Close("figcaption").Line();
            h.Close("figure").Line();
        }
    }

    /// <summary>Each PNG file inlined as a data: URI, captioned with a link to the file and what its rows and columns are.</summary>
    private static void PngFigures(Html h, string directory, IEnumerable<string> names, string link, JsonObject? results)
    {
        foreach (var name in names)
        {
            byte[] png = File.ReadAllBytes(Path.Combine(directory, name));
            string data = Convert.ToBase64String(png);
            h.Open("figure").Line();
            if (DisplaySize(png) is { } size)
                h.Void("img", ("src", "data:image/png;base64," + data), ("alt", name), ("class", "pixels"),
                       ("width", size.Width.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                       ("height", size.Height.ToString(System.Globalization.CultureInfo.InvariantCulture))).Line();
            else h.Void("img", ("src", "data:image/png;base64," + data), ("alt", name), ("class", "pixels")).Line();
            h.Open("figcaption").Element("a", name, ("href", link + name));
            if (name == "reconstructions.png") h.Text(": test images (top row of each pair) and their reconstructions (below)");
            else if (ExamplesCaption(name, results) is { } caption) h.Text(": " + caption);
            h.Close("figcaption").Line();
            h.Close("figure").Line();
        }
    }

    // Small image grids (8×8 digits) are drawn at a whole multiple of their size, up to 4×, so the pixels can be seen; null for a file that is not a PNG.
    private static (int Width, int Height)? DisplaySize(byte[] png)
    {
        // The signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4, big-endian), height (4).
        if (png.Length < 24 || png[12] != (byte)'I' || png[13] != (byte)'H' || png[14] != (byte)'D' || png[15] != (byte)'R') return null;
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        if (width <= 0 || height <= 0) return null;
        int scale = Math.Clamp(600 / width, 1, 4);
        return (width * scale, height * scale);
    }

    private static void FileList(Html h, string directory, List<string> files)
    {
        var folders = Directory.EnumerateDirectories(directory).Select(d => Path.GetFileName(d)!)
            .Where(d => !d.StartsWith('.') && File.Exists(Path.Combine(directory, d, FileName))).Order(StringComparer.Ordinal).ToList();
        h.Open("section", ("id", "files")).Element("h2", "Files").Line().Open("ul", ("class", "files")).Line();
        foreach (var f in files) h.Open("li").Element("a", f, ("href", f)).Close("li").Line();
        foreach (var d in folders) h.Open("li").Element("a", $"{d}/{FileName}", ("href", $"{d}/{FileName}")).Close("li").Line();
        h.Close("ul").Line().Close("section").Line();
    }

    private static void Reproduce(Html h, JsonObject r, string directory)
    {
        h.Open("section", ("id", "reproduce")).Element("h2", "Reproduce").Line();
        if (Str(At(r, "provenance", "command")) is { } command)
        {
            h.Element("p", "The command that made this run:").Line();
            h.Open("pre", ("class", "command")).Element("code", command).Close("pre").Line();
        }
        var p = r["provenance"] as JsonObject;
        KeyValues(h,
        [
            ("bottleneck", Str(p?["bottleneck_version"])),
            ("runtime", Str(p?["runtime"])),
            ("OS", Str(p?["os"])),
            ("CPUs", Str(p?["cpu_count"])),
            ("threads", Str(p?["threads"]) is { } t ? t == "0" ? "0 (chosen per phase or automatic)" : t : null),
            ("SIMD path", Str(p?["simd"])),
            ("started", When(p?["started"])),
        ]);
        // The exact settings: the settings object, the pipeline file, or for an unknown schema the whole results.json.
        string yaml = Path.Combine(directory, "pipeline.yaml");
        (string label, string text) = r["settings"] is JsonObject s ? ("Settings (from results.json)", Json.Serialize(s.DeepClone()))
            : File.Exists(yaml) ? ("Pipeline (pipeline.yaml)", File.ReadAllText(yaml))
            : ("results.json", Json.Serialize(r.DeepClone()));
        h.Open("details").Element("summary", label).Element("pre", text.TrimEnd()).Close("details").Line();
        h.Close("section").Line();
    }

    // ---- HTML pieces --------------------------------------------------------------------------

    private static void KeyValues(Html h, IEnumerable<(string Key, string? Value)> pairs)
    {
        var present = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).ToList();
        if (present.Count == 0) return;
        h.Open("table", ("class", "keys")).Line();
        foreach (var (key, value) in present) h.Open("tr").Element("th", key).Element("td", value!).Close("tr").Line();
        h.Close("table").Line();
    }

    private static void Table(Html h, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, int[] numeric)
    {
        h.Open("table").Line().Open("thead").Open("tr");
        foreach (var c in header) h.Element("th", c);
        h.Close("tr").Close("thead").Line().Open("tbody").Line();
        foreach (var row in rows)
        {
            h.Open("tr");
            for (int i = 0; i < row.Length; i++)
                if (numeric.Contains(i)) h.Element("td", row[i], ("class", "num"));
                else h.Element("td", row[i]);
            h.Close("tr").Line();
        }
        h.Close("tbody").Line().Close("table").Line();
    }

    private static string Anchor(string name) =>
        "phase-" + new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);

    private const string Style = """

        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
        p.meta { color: #666; margin-top: 0.2rem; }
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
        figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { color: #555; font-size: 0.9rem; }
        img.pixels { image-rendering: pixelated; max-width: 100%; border: 1px solid #ddd; }
        details summary { cursor: pointer; font-weight: 600; margin: 0.6rem 0; }
        section.phase { border-left: 3px solid #ddd; padding-left: 0.8rem; margin: 1rem 0; }
        ul.files { columns: 2; }

        """;

    // ---- JSON reading: any shape, never throws --------------------------------------------------

    private static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path) node = node is JsonObject o ? o[key] : null;
        return node;
    }

    private static IEnumerable<JsonNode?> Array(JsonNode? node) => node as JsonArray ?? [];

    /// <summary>A scalar as text (numbers as written in the file), or null.</summary>
    private static string? Str(JsonNode? node) => node is not JsonValue v ? null
        : v.TryGetValue(out string? s) ? s
        : v.TryGetValue(out bool b) ? (b ? "true" : "false")
        : v.ToJsonString();

    private static double? Num(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) ? d : null;

    private static string? Number(JsonNode? node, int digits) => Num(node) is { } d ? NumberText.Significant(d, digits) : null;

    private static string PlusMinus(JsonNode? mean, JsonNode? std) =>
        Number(mean, 4) is not { } m ? "—" : Number(std, 2) is { } s ? $"{m} ± {s}" : m;

    private static string Params(JsonObject p) => string.Join(", ", p.Select(kv => $"{kv.Key}={ParamValue(kv.Value)}"));

    // A searched setting as the command line writes it (1e-5, not 1E-05).
    private static string ParamValue(JsonNode? value) => Num(value) is { } d ? TrialParams.Format(d) : Str(value) ?? "";

    // A recorded time to the second, with its UTC offset: the fractions of a second only make the page harder to read.
    private static string? When(JsonNode? node) =>
        Str(node) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
        : text;
}
