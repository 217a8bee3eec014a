using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Bottleneck.Data;

/// <summary>SHA-256 as lowercase hex, the way publishers list them, of bytes, of a file, or of a file's uncompressed contents.</summary>
internal static class Checksums
{
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>SHA-256 of the values as they lie in memory (little-endian float32): what a dataset holds, to tell later whether it changed.</summary>
    public static string Sha256(ReadOnlySpan<float> values) => Sha256(MemoryMarshal.AsBytes(values));

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of what gunzip would give for a gzip file (told by its magic bytes), else of the file; null if the gzip data is broken.</summary>
    public static string? Sha256OfContent(string path)
    {
        using var stream = File.OpenRead(path);
        if (!Idx.IsGzip(stream)) return Convert.ToHexStringLower(SHA256.HashData(stream));
        try
        {
            using var content = new GZipStream(stream, CompressionMode.Decompress);
            return Convert.ToHexStringLower(SHA256.HashData(content));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The first 16 hex digits: enough to tell two files apart in a one-line message.</summary>
    public static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}
