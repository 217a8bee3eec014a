using System.Diagnostics;

namespace Bottleneck.Tests;

/// <summary>A small tmpfs mounted for one test: a disk that really fills up. Needs root (CI runs as root); see <see cref="TmpfsFactAttribute"/>.</summary>
public sealed class Tmpfs : IDisposable
{
    public Tmpfs(string path, int kilobytes)
    {
        Path = path;
        Directory.CreateDirectory(path);
        if (!RunQuietly("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path))
            throw new InvalidOperationException($"could not mount a tmpfs on {path}");
    }

    public string Path { get; }

    /// <summary>Whether this machine lets the tests mount one (root, and a mount that works).</summary>
    public static bool Available { get; } = Probe();

    public void Dispose() => RunQuietly("umount", "-l", Path);

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return false;
        string probe = Directory.CreateTempSubdirectory("bottleneck-tmpfs-probe-").FullName;
        try
        {
            if (!RunQuietly("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe)) return false;
            RunQuietly("umount", probe);
            return true;
        }
        finally
        {
            TempFolder.Delete(probe);
        }
    }

    private static bool RunQuietly(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A test that needs a real full disk: skipped, visibly, where a tmpfs cannot be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!Tmpfs.Available) Skip = "needs root to mount a small tmpfs (a disk that fills up)";
    }
}
