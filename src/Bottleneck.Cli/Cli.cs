using System.CommandLine;
using Bottleneck.Data;
using Bottleneck.Search;

namespace Bottleneck.Cli;

/// <summary>
/// Runs a parsed command and turns every failure into one line on stderr and an exit code:
/// 0 success, 1 a run that failed (or was interrupted), 2 bad usage or bad input.
/// </summary>
public static class Cli
{
    public const int Success = 0, Failed = 1, Usage = 2;

    public static int Run(Command root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A mistyped command also leaves its command missing; naming the unknown word says more.
            var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                        ?? parsed.Errors[0];
            // The parser lists allowed values on lines of their own; the contract is one line.
            string message = string.Join(" ", error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            string hint = parsed.CommandResult.Command == root ? $" (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))})" : "";
            Console.Error.WriteLine($"error: {message}{hint}");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Describe(e, parsed.CommandResult.Command) is { } failure)
        {
            Console.Error.WriteLine($"error: {OneLine(failure.Message)}");
            return failure.Code;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable(DebugVariable) != "1")
        {
            // Something Bottleneck did not foresee is still one line; BOTTLENECK_DEBUG=1 shows where it happened.
            var inner = e is AggregateException a ? a.Flatten().InnerExceptions[0] : e;
            string what = inner is OutOfMemoryException ? "ran out of memory" : $"an unexpected failure ({OneLine(inner.Message)})";
            Console.Error.WriteLine($"error: {what}; this is a bug in Bottleneck unless memory ran out: please report the command (set {DebugVariable}=1 for details)");
            return Failed;
        }
    }

    /// <summary>Set to 1 to let an unforeseen failure show its stack trace.</summary>
    public const string DebugVariable = "BOTTLENECK_DEBUG";

    // The contract is one line: a message that quotes a file's cell or a server's reply may hold line breaks or control characters.
    private static string OneLine(string message) =>
        string.Join(" ", new string([.. message.Select(c => char.IsControl(c) ? '\n' : c)]).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static (string Message, int Code)? Describe(Exception e, Command command) => e switch
    {
        // Parallel runs that fail alike (a bad setting hits every thread) report once; anything unexpected still crashes loudly.
        AggregateException a when a.Flatten().InnerExceptions is { Count: > 0 } inner && inner.All(x => Describe(x, command) is not null) => Describe(inner[0], command),
        UsageException u => (u.Message, Usage),
        SettingException s => (Flagged(s, command), Usage),
        StudyMismatchException m => (command.Name == "worker" || !m.Resumable ? m.Message : $"{m.Message}; choose another --out (or another --study in a shared --storage), or resume it with --resume and nothing else", Usage),
        StorageException s => (s.Message, s.Lost ? Failed : Usage),
        ClaimLostException c => (c.Message, Failed),
        DataFormatException d => (d.Message, Usage),
        DatasetNotFoundException n => ($"{n.Message}; {HowToGet(n.Search.Dataset)}", Failed),
        ArgumentException a => (a.Message, Usage),
        IOException io => (io.Message, Failed),
        UnauthorizedAccessException ua => (ua.Message, Failed),
        _ => null,
    };

    // A setting the command has as a flag is named as the flag: "--epochs must be at least 1, got 0".
    private static string Flagged(SettingException e, Command command) =>
        command.Options.Any(o => o.Name == "--" + e.Setting) ? $"--{e.Setting} {e.Problem}" : e.Message;

    /// <summary>What a user can do to get a dataset, as one clause.</summary>
    public static string HowToGet(IdxDataset dataset) =>
        $"fetch it with `bottleneck datasets fetch {dataset.Name}`"
        + (dataset.DebianPackage is { } package ? $" or `apt-get install {package}`" : "")
        + ", or point --data-dir at a folder holding its four files";
}

/// <summary>A bad option value or combination, found before any work starts.</summary>
public sealed class UsageException(string message) : Exception(message);
