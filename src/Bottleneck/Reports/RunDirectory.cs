using System.Text;

namespace Bottleneck.Reports;

/// <summary>
/// The folder a command writes its results into. Files are written to a temporary name
/// and renamed into place, so a crash, Ctrl-C or full disk never leaves a half-written
/// file under a real name, and files written earlier stay valid.
/// </summary>
internal sealed class RunDirectory
{
    public string Path { get; }

    private RunDirectory(string path) => Path = path;

    /// <summary>
    /// Throws <see cref="IOException"/> when <see cref="Create"/> would certainly fail for
    /// <paramref name="path"/> (it is a file, or its nearest existing folder cannot be written),
    /// without creating anything: for commands that load (or download) data before making the folder.
    /// </summary>
    internal static void CheckCreatable(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new IOException($"{path} is a file, not a directory");
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing)) throw new IOException($"{path} cannot be made: {existing} is a file");
            existing = System.IO.Path.GetDirectoryName(existing);
        }
        if (existing is null) return;
        string probe = System.IO.Path.Combine(existing, $".write-test-{Environment.ProcessId}");
        try
        {
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{path} cannot be written: {e.Message}");
        }
    }

    /// <summary>Creates the folder and proves it writable before any work starts.</summary>
    internal static RunDirectory Create(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new IOException($"{path} is a file, not a directory");
        try
        {
            Directory.CreateDirectory(full);
            string probe = System.IO.Path.Combine(full, $".write-test-{Environment.ProcessId}");
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{path} cannot be written: {e.Message}");
        }
        return new RunDirectory(full);
    }

    /// <summary>
    /// Whether <paramref name="name"/> can name a folder inside a run directory (a pipeline phase's): letters, digits,
    /// '.', '_' and '-', starting with a letter or digit, at most 64 characters. No separators, no "..", nothing absolute.
    /// </summary>
    internal static bool IsPlainName(string name) =>
        name.Length is >= 1 and <= 64 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Default location: runs/&lt;command&gt;-&lt;yyyyMMdd-HHmmss&gt;.</summary>
    internal static string DefaultPath(string command, DateTimeOffset now) =>
        System.IO.Path.Combine("runs", $"{command}-{now:yyyyMMdd-HHmmss}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Removes a file of the run, if it is there.</summary>
    public void Delete(string name) => System.IO.File.Delete(File(name));

    public void WriteText(string name, string content) => WriteBytes(name, Encoding.UTF8.GetBytes(content));

    public void WriteBytes(string name, byte[] content) => AtomicFile.WriteAllBytes(File(name), content);
}
