using System.Diagnostics;

// A whole process, as a user runs it: its output, exit code, wall time and peak resident memory (VmHWM, read from /proc while it
// runs; the high-water mark only grows, so the last reading before it exits is its peak to within the 20 ms between readings).
static class Measured
{
    public sealed record Result(int ExitCode, string Output, string LastError, double Seconds, double PeakMb);

    public static Result Run(string exe, string[] arguments)
    {
        var psi = new ProcessStartInfo(exe, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        double peak = 0;
        while (!process.WaitForExit(20)) peak = Math.Max(peak, PeakMb(process.Id));
        double seconds = clock.Elapsed.TotalSeconds;
        string last = error.Result.Split('\n').LastOrDefault(l => l.Length > 0) ?? "";
        return new Result(process.ExitCode, output.Result, last, seconds, peak);
    }

    // VmHWM of a process and (through bash) of its children are read the same way; a process that has just exited reads 0.
    private static double PeakMb(int pid)
    {
        double peak = 0;
        foreach (int id in new[] { pid }.Concat(Children(pid)))
        {
            try
            {
                foreach (string line in File.ReadLines($"/proc/{id}/status"))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peak = Math.Max(peak, double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return peak;
    }

    private static IEnumerable<int> Children(int pid)
    {
        string path = $"/proc/{pid}/task/{pid}/children";
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException) { yield break; }
        foreach (string child in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int id = int.Parse(child, System.Globalization.CultureInfo.InvariantCulture);
            yield return id;
            foreach (int grandchild in Children(id)) yield return grandchild;
        }
    }
}

// The command as the README's set-up publishes it (bin/bottleneck/bottleneck in the repository), or $BOTTLENECK.
static class Published
{
    public static string? Bottleneck()
    {
        if (Environment.GetEnvironmentVariable("BOTTLENECK") is { Length: > 0 } given) return File.Exists(given) ? given : null;
        string? repository = Repository();
        return repository is null ? null : Path.Combine(repository, "bin", "bottleneck", "bottleneck");
    }

    // Why the repository's published command does not measure its sources, or null: a binary left from a commit whose src/
    // differs from HEAD's measures that commit (its version ends in +commit). Uncommitted changes are not seen. Not checked
    // for $BOTTLENECK, which names a binary on purpose, nor without git.
    public static string? Stale(string exe)
    {
        string? repository = Repository();
        if (repository is null || Environment.GetEnvironmentVariable("BOTTLENECK") is { Length: > 0 }) return null;
        if (Quietly(exe, ["--version"]) is not (0, var version) || version.Split('+') is not [_, var built]) return null;
        if (Quietly("git", ["-C", repository, "rev-parse", "HEAD"]) is not (0, var head) || built == head) return null;
        if (Quietly("git", ["-C", repository, "diff", "--quiet", built, head, "--", "src"]) is (0, _)) return null;
        return $"{exe} was built from {built[..7]} and src/ has changed since (HEAD is {head[..7]}): publish it again";
    }

    // Exit code and trimmed output of a process, or null when it cannot start (no git).
    private static (int ExitCode, string Output)? Quietly(string exe, string[] arguments)
    {
        try
        {
            var run = Measured.Run(exe, arguments);
            return (run.ExitCode, run.Output.Trim());
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    private static string? Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "bin", "bottleneck", "bottleneck")) && File.Exists(Path.Combine(dir.FullName, "Bottleneck.slnx")))
                return dir.FullName;
        return null;
    }
}
