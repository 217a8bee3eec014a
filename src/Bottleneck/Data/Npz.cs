using System.IO.Compression;

namespace Bottleneck.Data;

/// <summary>
/// Reads arrays from NumPy's <c>.npz</c> archive: a zip file of <c>.npy</c> entries, stored (<c>np.savez</c>) or
/// deflated (<c>np.savez_compressed</c>), read with .NET's own zip support.
/// </summary>
internal sealed class Npz : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly string _path;

    private Npz(ZipArchive zip, string path) => (_zip, _path) = (zip, path);

    /// <summary>Opens an archive for reading its arrays; a <see cref="DataFormatException"/> when the file is not a readable zip.</summary>
    public static Npz Open(string path)
    {
        var stream = InputFile.OpenRead(path, ".npz file");
        try
        {
            var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            // The central directory is read lazily; reading it here makes a damaged one fail now, in one place.
            _ = zip.Entries.Count;
            return new Npz(zip, path);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new DataFormatException($"{path} is not a readable .npz file ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The names of the arrays it holds, as <c>np.load(path).files</c> gives them.</summary>
    public IReadOnlyList<string> Names => [.. _zip.Entries.Select(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName)];

    /// <summary>The array saved under <paramref name="name"/>, or null when there is none.</summary>
    public NpyArray? Read(string name)
    {
        var entry = _zip.GetEntry(name + ".npy") ?? _zip.GetEntry(name);
        if (entry is null) return null;
        string source = $"{_path} ({entry.FullName})";
        try
        {
            using var stream = entry.Open();
            return Npy.Read(stream, entry.Length, source);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"{source} is damaged: {e.Message.TrimEnd('.')}");
        }
    }

    /// <summary>Closes the archive and its file.</summary>
    public void Dispose() => _zip.Dispose();
}
