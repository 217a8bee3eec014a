using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Bottleneck.Search;

/// <summary>
/// Names a worker "host:pid:tag", so that a store can tell a claim left by a process that has exited.
/// The host part is the machine name, on Linux with the process-id namespace appended
/// ("box@4026531836"): two containers that share a host name never read each other's PIDs as their own.
/// The tag tells apart two processes that were given the same PID at different times.
/// </summary>
internal static class WorkerId
{
    /// <summary>The host part of the worker ids of processes on this machine (and PID namespace).</summary>
    public static string ThisHost { get; } = HostName();

    private static readonly string ThisProcess = Format(ThisHost, Environment.ProcessId, Guid.NewGuid().ToString("N")[..8]);

    /// <summary>This process's worker id, e.g. "box@4026531836:4242:3f2a9c1b"; the same on every call.</summary>
    public static string ForThisProcess() => ThisProcess;

    public static string Format(string host, int processId, string tag) =>
        string.Create(CultureInfo.InvariantCulture, $"{host}:{processId}:{tag}");

    /// <summary>Reads the host and PID of a worker id in the "host:pid:tag" form; false for any other string.</summary>
    public static bool TryParse(string worker, out string host, out int processId)
    {
        host = "";
        processId = 0;
        int tagColon = worker.LastIndexOf(':');
        if (tagColon <= 0) return false;
        int pidColon = worker.LastIndexOf(':', tagColon - 1);
        if (pidColon <= 0) return false;
        var pid = worker.AsSpan(pidColon + 1, tagColon - pidColon - 1);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out processId)) return false;
        host = worker[..pidColon];
        return true;
    }

    /// <summary>
    /// True when the worker ran on this host and its process is gone (a crash, kill -9, a closed terminal).
    /// False when it may still run: its process exists, it ran elsewhere, or the id is not in our form.
    /// </summary>
    public static bool HasExited(string worker) =>
        TryParse(worker, out string host, out int pid) && host == ThisHost && !IsRunning(pid);

    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // /proc/PID/stat: "PID (comm) STATE …"; a zombie (Z) has exited, its parent just has not reaped it yet.
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                int afterName = stat.LastIndexOf(')');
                return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] != 'Z';
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return false; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Directory.Exists($"/proc/{pid}"); }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }      // no process has this id
        catch (InvalidOperationException) { return false; }
        catch (Win32Exception) { return true; }          // it exists, but is not ours to inspect
    }

    private static string HostName()
    {
        string host = Environment.MachineName;
        if (!OperatingSystem.IsLinux()) return host;
        try
        {
            // The link reads "pid:[4026531836]".
            string? target = new FileInfo("/proc/self/ns/pid").LinkTarget;
            int open = target?.IndexOf('[') ?? -1, close = target?.IndexOf(']') ?? -1;
            return open >= 0 && close > open + 1 ? $"{host}@{target![(open + 1)..close]}" : host;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return host; }
    }
}
