namespace Bottleneck.Data;

/// <summary>
/// Opens a file that a user names as input (a dataset, a model or pipeline file, a checkpoint) only when it is a
/// regular file with something in it. A FIFO, a socket or a device reports a size of 0, so refusing empty files
/// also keeps a read from blocking for ever on a pipe or streaming without end from <c>/dev/zero</c>.
/// </summary>
internal static class InputFile
{
    /// <summary>The file for reading; a <see cref="DataFormatException"/> naming it when it is missing, a folder, empty, not a regular file, or larger than <paramref name="maxBytes"/>.</summary>
    /// <param name="what">What the file should be, for messages: "CSV file", "model file".</param>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    public static FileStream OpenRead(string path, string what, long maxBytes = long.MaxValue)
    {
        Check(path, what, maxBytes);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException($"{path}: no such file (expected the {what})");
        }
        catch (UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: the {what} cannot be read (permission denied)");
        }
    }

    /// <summary>The whole file as text (UTF-8), within <paramref name="maxBytes"/>.</summary>
    public static string ReadText(string path, string what, long maxBytes)
    {
        using var stream = OpenRead(path, what, maxBytes);
        using var reader = new StreamReader(stream);
        string text = reader.ReadToEnd();
        int nul = text.IndexOf('\0');
        if (nul >= 0) throw new DataFormatException($"{path} holds binary data (a NUL character at position {nul:N0}); it is not a {what}");
        return text;
    }

    /// <summary>Throws as <see cref="OpenRead"/> does, without opening the file.</summary>
    public static void Check(string path, string what, long maxBytes = long.MaxValue)
    {
        if (Directory.Exists(path)) throw new DataFormatException($"{path} is a directory; give the path of the {what}");
        var file = new FileInfo(path);
        if (!file.Exists) throw new DataFormatException($"{path}: no such file (expected the {what})");
        if (file.Length == 0) throw new DataFormatException($"{path} is empty or not a regular file (a pipe or a device), so it cannot be the {what}");
        if (file.Length > maxBytes)
            throw new DataFormatException($"{path} is {file.Length:N0} bytes, more than the {what} can be ({maxBytes:N0} bytes at most)");
    }
}
