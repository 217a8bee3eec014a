namespace Bottleneck;

/// <summary>
/// Writes a whole file under a temporary name, flushes it to disk and renames it into place, so a full disk or a
/// crash leaves the previous file (or none), never half of one; a failure is an <see cref="IOException"/> naming the file.
/// </summary>
internal static class AtomicFile
{
    private static long _writes;

    /// <summary>Writes <paramref name="content"/> as the whole of <paramref name="path"/>, replacing it only once every byte is on disk.</summary>
    public static void WriteAllBytes(string path, byte[] content) => Write(path, stream => stream.Write(content));

    /// <summary>Writes the whole of <paramref name="path"/> with <paramref name="write"/>, which streams into a temporary file renamed into place once flushed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        // One temporary name per write: two workers of one study (processes, or threads) may write its results at the same moment.
        string temp = $"{path}.partial-{Environment.ProcessId}-{Interlocked.Increment(ref _writes)}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            throw new IOException($"could not write {path}: {e.Message}", e);
        }
    }
}
