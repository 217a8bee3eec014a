using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

/// <summary>
/// One kind of run directory, known by the schema its results.json names: how that file reads as a typed record,
/// the page's title, its summary section, what its image files show, and (for a pipeline's page) the short
/// section of a phase of this kind. <see cref="ReportKinds"/> registers every kind; the page shell
/// (<see cref="HtmlReport"/>) knows none of them by name.
/// </summary>
public abstract class ReportKind(string schema)
{
    /// <summary>The schema name its results.json carries, e.g. <c>bottleneck/train/v1</c>.</summary>
    public string Schema { get; } = schema;

    internal abstract string Title(JsonObject results, string directory);

    /// <summary>The charts and image grids a run of this kind writes: the only files its page inlines (others are listed).</summary>
    internal abstract IReadOnlyList<string> Figures { get; }

    internal abstract void Summary(ReportPage page, JsonObject results, string directory);

    /// <summary>A phase of this kind on a pipeline's page: its key numbers, in a few lines.</summary>
    internal virtual void Digest(ReportPage page, JsonObject results, string directory) { }

    /// <summary>What an image file of the run shows (its rows and columns), or null.</summary>
    internal virtual string? Caption(string file, JsonObject results, string directory) => null;
}

/// <summary>A <see cref="ReportKind"/> whose results.json is read as a <typeparamref name="TResults"/> record.</summary>
public abstract class ReportKind<TResults>(string schema) : ReportKind(schema) where TResults : class
{
    internal sealed override string Title(JsonObject results, string directory) => Title(Read(results, directory));

    internal sealed override void Summary(ReportPage page, JsonObject results, string directory) => Summary(page, Read(results, directory), directory);

    internal sealed override void Digest(ReportPage page, JsonObject results, string directory) => Digest(page, Read(results, directory), directory);

    internal sealed override string? Caption(string file, JsonObject results, string directory) => Caption(file, Read(results, directory));

    internal abstract string Title(TResults results);

    internal abstract void Summary(ReportPage page, TResults results, string directory);

    internal virtual void Digest(ReportPage page, TResults results, string directory) { }

    internal virtual string? Caption(string file, TResults results) => null;

    /// <summary>The results as their record; a <see cref="ReportSourceException"/> naming the file when they do not fit it.</summary>
    internal TResults Read(JsonObject results, string directory)
    {
        try
        {
            return Json.Deserialize<TResults>(results, ReportsJson.Default);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new ReportSourceException($"{Path.Combine(directory, HtmlReport.ResultsFile)} is not a valid {Schema} file ({e.Message})");
        }
    }
}
