namespace Bottleneck.Data;

/// <summary>
/// One IDX file read into memory and checked against its own header: the dimensions the
/// header announces and the decompressed bytes of the whole file (header included, so a
/// checksum of <see cref="Content"/> is the checksum of the uncompressed file).
/// </summary>
internal sealed class IdxFile
{
    public string FileName { get; }
    public int[] Dimensions { get; }
    public byte[] Content { get; }

    /// <summary>True when the file on disk was gzip-compressed.</summary>
    public bool Compressed { get; }

    internal IdxFile(string fileName, int[] dimensions, byte[] content, bool compressed) =>
        (FileName, Dimensions, Content, Compressed) = (fileName, dimensions, content, compressed);

    /// <summary>Items in the file: images in an idx3 file, labels in an idx1 file.</summary>
    public int Count => Dimensions[0];

    /// <summary>Magic number (4 bytes) and one int32 per dimension.</summary>
    public int HeaderLength => 4 + 4 * Dimensions.Length;

    /// <summary>The values after the header, row-major.</summary>
    public ReadOnlySpan<byte> Values => Content.AsSpan(HeaderLength);
}
