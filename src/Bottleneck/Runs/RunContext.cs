using Bottleneck.Reports;

namespace Bottleneck.Runs;

/// <summary>
/// Where a run writes and whom it tells: its run directory (<see cref="Out"/>; null for
/// <c>runs/&lt;command&gt;-&lt;timestamp&gt;</c>), the command line that asked for it (recorded in results.json), an
/// observer of its progress, and a cancellation (Ctrl-C) that stops it at the next batch with what is finished saved.
/// </summary>
public sealed record RunContext(string? Out, string CommandLine)
{
    /// <summary>Told of the run's progress; silent by default.</summary>
    public IRunObserver Observer { get; init; } = SilentObserver.Instance;
    /// <summary>Stops the run at the next batch, with what is finished saved.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Refuses a run directory that cannot be made, before data is looked for or downloaded; creates nothing.</summary>
    public void CheckOut()
    {
        try
        {
            RunDirectory.CheckCreatable(Out ?? "runs");
        }
        catch (IOException e)
        {
            throw new SettingException("out", e.Message);
        }
    }

    /// <summary>
    /// The run directory, made and proven writable (a <see cref="SettingException"/> for "out" when it cannot be). A folder
    /// that already holds another run is refused, so two runs never mix in one folder and one report: only a run of
    /// <paramref name="schema"/> that the command continues (<paramref name="continues"/>: a study in its study.db, a
    /// pipeline with its pipeline.yaml) may be there already.
    /// </summary>
    internal RunDirectory CreateDirectory(string command, DateTimeOffset started, string schema, string? continues = null)
    {
        string path = Out ?? RunDirectory.DefaultPath(command, started);
        RefuseOtherRun(path, schema, continues);
        return CreateDirectory(path);
    }

    private static void RefuseOtherRun(string path, string schema, string? continues)
    {
        if (!Directory.Exists(path)) return;
        var entries = Directory.EnumerateFileSystemEntries(path).Select(e => Path.GetFileName(e)!).Where(e => !e.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (entries.Count == 0) return;
        string results = Path.Combine(path, HtmlReport.ResultsFile);
        string? held = File.Exists(results) ? SchemaOf(results) : null;
        bool same = continues is not null && (held == schema || (held is null && entries.Contains(continues)));
        if (same) return;
        string what = held is not null ? $"a run of {held}" : $"other files ({string.Join(", ", entries.Take(3))}{(entries.Count > 3 ? ", …" : "")})";
        throw new SettingException("out", $"{path} already holds {what}; choose a new folder, or remove that one first");
    }

    private static string? SchemaOf(string results)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(results))?["schema"]?.GetValue<string>() ?? "an unknown kind";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return "an unreadable results.json";
        }
    }

    /// <summary>A folder inside the run, such as a pipeline phase's.</summary>
    internal static RunDirectory CreateDirectory(string path)
    {
        try
        {
            return RunDirectory.Create(path);
        }
        catch (IOException e)
        {
            throw new SettingException("out", e.Message);
        }
    }

    /// <summary>The provenance of a run started at <paramref name="started"/> on <paramref name="threads"/> threads with this context's command line.</summary>
    public Provenance Provenance(DateTimeOffset started, int threads) => new(CommandLine, started, threads);
}
