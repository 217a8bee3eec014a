using System.Diagnostics;
using System.Text;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>What a finished run of the program left behind, as a shell would see it.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>The lines of stderr, without the final line break (an empty stderr has no lines).</summary>
    public IReadOnlyList<string> StandardErrorLines => Lines(StandardError);

    public IReadOnlyList<string> StandardOutputLines => Lines(StandardOutput);

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');

    /// <summary>Everything the program printed, for failure messages.</summary>
    public override string ToString() =>
        $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs the real <c>bottleneck</c> program (<c>dotnet Bottleneck.Cli.dll …</c> from the test output
/// folder) as a child process with <c>CI=true</c>, capturing stdout, stderr and the exit code.
/// A run that outlives its timeout is killed and fails the test.
/// </summary>
public sealed class BottleneckProcess : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly Task _stdoutPump, _stderrPump;
    private readonly Stopwatch _clock;
    private readonly string _commandLine;

    private BottleneckProcess(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
        _clock = Stopwatch.StartNew();
        _stdoutPump = Pump(process.StandardOutput, _stdout);
        _stderrPump = Pump(process.StandardError, _stderr);
    }

    /// <summary>The program's assembly, next to the test assembly (the test project references the CLI project).</summary>
    public static string CliAssembly
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Bottleneck.Cli.dll");
            if (!File.Exists(path)) Assert.Fail($"{path} is missing; build the solution first");
            return path;
        }
    }

    public int Id => _process.Id;

    public string StandardOutputSoFar { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardErrorSoFar { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Runs the program to the end.</summary>
    public static ProcessResult Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, DefaultTimeout, args);

    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        Run(workingDirectory, timeout, new Dictionary<string, string?>(), args);

    /// <summary>Runs the program to the end with extra environment variables (a null value removes the variable).</summary>
    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return process.WaitForExit(timeout);
    }

    /// <summary>Starts the program and returns at once; stdout and stderr are collected as they come.</summary>
    public static BottleneckProcess Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string?>(), args);

    public static BottleneckProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        string commandLine = "bottleneck " + string.Join(' ', args.Select(a => a.Contains(' ') || a.Length == 0 ? $"\"{a}\"" : a));
        return Launch(workingDirectory, environment, DotnetHost(), [CliAssembly, .. args], commandLine);
    }

    /// <summary>Runs another build of the program, an executable of its own (the published command), to the end.</summary>
    public static ProcessResult RunExecutable(string executable, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Launch(workingDirectory, new Dictionary<string, string?>(), executable, args, "bottleneck " + string.Join(' ', args));
        return process.WaitForExit(timeout);
    }

    /// <summary>
    /// Runs a command line as a user pastes it into bash, with <c>bottleneck</c> standing for the program: what the
    /// program prints as a command to run (a resume, a report's reproduce line) is checked by running it.
    /// </summary>
    public static ProcessResult RunInShell(string workingDirectory, string commandLine, TimeSpan timeout)
    {
        string script = "bottleneck() { \"$BOTTLENECK_TEST_HOST\" \"$BOTTLENECK_TEST_CLI\" \"$@\"; }\n" + commandLine;
        var environment = new Dictionary<string, string?> { ["BOTTLENECK_TEST_HOST"] = DotnetHost(), ["BOTTLENECK_TEST_CLI"] = CliAssembly };
        using var process = Launch(workingDirectory, environment, "bash", ["-c", script], commandLine);
        return process.WaitForExit(timeout);
    }

    private static BottleneckProcess Launch(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string program,
                                            IEnumerable<string> arguments, string commandLine)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["CI"] = "true";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        process.StandardInput.Close();
        return new BottleneckProcess(process, commandLine);
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the process ends; false if the time ran out first.</summary>
    public bool WaitUntil(Func<BottleneckProcess, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition(this)) return true;
            if (_process.HasExited) return condition(this);
            Thread.Sleep(25);
        }
        return condition(this);
    }

    /// <summary>Sends a POSIX signal (e.g. "INT", "TERM") with kill(1), as a shell's Ctrl-C or kill would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        string error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        if (kill.ExitCode != 0) Assert.Fail($"kill -{signal} {Id} failed: {error}");
    }

    /// <summary>True when the process ignores the signal (SigIgn in /proc), as it does when a non-interactive shell started it in the background.</summary>
    public bool Ignores(int signalNumber)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            if (line is null) return false;
            ulong mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
            return (mask & (1UL << (signalNumber - 1))) != 0;
        }
        catch (IOException) { return false; }
    }

    /// <summary>Waits for the process to end; if it does not within <paramref name="timeout"/>, kills it and fails the test.</summary>
    public ProcessResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
            Task.WaitAll([_stdoutPump, _stderrPump], TimeSpan.FromSeconds(10));
            Assert.Fail($"`{_commandLine}` did not finish within {timeout.TotalSeconds:0} s and was killed\n" +
                        $"--- stdout ---\n{StandardOutputSoFar}\n--- stderr ---\n{StandardErrorSoFar}");
        }
        _process.WaitForExit(); // lets the redirected streams reach their end
        if (!Task.WaitAll([_stdoutPump, _stderrPump], TimeSpan.FromSeconds(30)))
            Assert.Fail($"`{_commandLine}` exited but its output streams stayed open (a child process holding them?)");
        return new ProcessResult(_process.ExitCode, StandardOutputSoFar, StandardErrorSoFar, _clock.Elapsed);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static Task Pump(StreamReader reader, StringBuilder sink) => Task.Run(async () =>
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
            lock (sink) sink.Append(buffer, 0, read);
    });

    // The muxer that runs the tests (dotnet test sets DOTNET_HOST_PATH), else `dotnet` on the PATH.
    internal static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) return self;
        return "dotnet";
    }
}
