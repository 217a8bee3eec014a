using System.CommandLine;
using Bottleneck.Runs;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary>Options every command shares, so they read and behave the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<uint> Seed(uint fallback) => new("--seed")
    {
        Description = "Seed for every random choice; the same seed gives the same numbers",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads to use (results do not depend on it)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<string?> Out() => new("--out")
    {
        Description = "Run directory for results (default runs/<command>-<timestamp>)",
    };

    /// <summary>Where the run writes (--out), the command line for its record, the observer that shows its progress and Ctrl-C.</summary>
    public static RunContext Context(ParseResult parsed, Option<string?> outOption, IRunObserver observer, CancellationToken cancel) =>
        new(parsed.GetValue(outOption), CommandLine(parsed)) { Observer = observer, Cancel = cancel };

    /// <summary>Comma-separated integers, e.g. "128,64"; empty means none.</summary>
    public static IReadOnlyList<int> IntList(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            int.TryParse(s, out int v) ? v : throw new UsageException($"{option}: '{s}' is not an integer"))];
    }

    public static IReadOnlyList<string> NameList(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant())];

    /// <summary>
    /// A resumed run goes on as it was started: any option given beside --resume other than <paramref name="allowed"/> would
    /// change it, and is refused rather than silently ignored.
    /// </summary>
    public static void RefuseChangesOnResume(ParseResult parsed, IReadOnlyCollection<Option> allowed, string what)
    {
        // Named in the order they were typed.
        var typed = parsed.Tokens.Select(t => t.Value).ToList();
        int FirstTyped(string name) => typed.IndexOf(name) is >= 0 and var i ? i : int.MaxValue;
        var changes = parsed.CommandResult.Command.Options
            .Where(o => !allowed.Contains(o) && o.Name.StartsWith("--", StringComparison.Ordinal) && parsed.GetResult(o) is { Implicit: false })
            .Select(o => o.Name).OrderBy(FirstTyped).ToList();
        if (changes.Count == 0) return;
        var names = allowed.Select(o => o.Name).Where(n => n != "--resume").ToList();
        string others = names.Count == 1 ? names[0] : string.Join(", ", names.SkipLast(1)) + " and " + names[^1];
        throw new UsageException($"--resume continues the {what} as it was started, so {string.Join(", ", changes)} cannot change it; " +
                                 $"leave {(changes.Count == 1 ? "it" : "them")} out (only {others} go with --resume)");
    }

    /// <summary>
    /// The command line as typed, for the run directory's provenance: quoted for a POSIX shell, so it can be pasted and run again, and
    /// without the password of any URL in it (a storage URL's user:password@ keeps only the user).
    /// </summary>
    public static string CommandLine(ParseResult parsed) =>
        "bottleneck " + string.Join(' ', parsed.Tokens.Select(t => ShellQuoted(StudyStorage.Redact(t.Value))));

    /// <summary>--storage: a shared study storage (PostgreSQL or SQLite), else $BOTTLENECK_STORAGE.</summary>
    public static Option<string?> Storage(string description) => new("--storage")
    {
        Description = $"{description}: postgresql://user[:password]@host[:port]/database or sqlite:PATH (default ${StudyStorage.EnvironmentVariable})",
    };

    /// <summary>--grace: how long a claim lasts without a heartbeat.</summary>
    public static Option<double> Grace() => new("--grace")
    {
        Description = "Seconds a trial's claim lasts without a heartbeat before another worker takes it over",
        DefaultValueFactory = _ => DefaultGraceSeconds,
    };

    private const double DefaultGraceSeconds = 60;

    /// <summary>--max-retries: how often a trial that throws is tried again.</summary>
    public static Option<int> MaxRetries() => new("--max-retries")
    {
        Description = "Tries of a trial whose training fails with an error, after the first, before it is recorded as failed",
        DefaultValueFactory = _ => 2,
    };

    /// <summary>A word as a POSIX shell reads it back unchanged: as it is when it holds nothing special, else in single quotes.</summary>
    public static string ShellQuoted(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
