using Bottleneck.Reports;

namespace Bottleneck.Runs;

/// <summary>
/// Where a run writes and whom it tells: its run directory (<see cref="Out"/>; null for
/// <c>runs/&lt;command&gt;-&lt;timestamp&gt;</c>), the command line that asked for it (recorded in results.json), an
/// observer of its progress, and a cancellation (Ctrl-C) that stops it at the next batch with what is finished saved.
/// </summary>
public sealed record RunContext(string? Out, string CommandLine)
{
    public IRunObserver Observer { get; init; } = SilentObserver.Instance;
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

    /// <summary>The run directory, made and proven writable (a <see cref="SettingException"/> for "out" when it cannot be).</summary>
    public RunDirectory CreateDirectory(string command, DateTimeOffset started) => CreateDirectory(Out ?? RunDirectory.DefaultPath(command, started));

    /// <summary>A folder inside the run, such as a pipeline phase's.</summary>
    public static RunDirectory CreateDirectory(string path)
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

    public Provenance Provenance(DateTimeOffset started, int threads) => new(CommandLine, started, threads);
}
