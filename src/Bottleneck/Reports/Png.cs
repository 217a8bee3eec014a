using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Bottleneck.Reports;

/// <summary>
/// A minimal PNG encoder (https://www.w3.org/TR/png/): 8-bit grayscale or 8-bit RGB, not
/// interlaced, every scanline with filter type 0 (none), all image data in one zlib-compressed
/// IDAT chunk. Enough for image grids, which are mostly flat areas that deflate well unfiltered.
/// </summary>
internal static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Encodes row-major pixels, top row first: one byte per pixel (grayscale), or three
    /// (R, G, B) when <paramref name="rgb"/> is set.
    /// </summary>
    internal static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, bool rgb = false)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"a PNG image is at least 1×1 pixels, not {width}×{height}");
        int channels = rgb ? 3 : 1;
        long rowBytes = (long)width * channels;
        if ((rowBytes + 1) * height > Array.MaxLength) throw new ArgumentException($"a {width}×{height} image is too large to encode");
        if (pixels.Length != rowBytes * height)
            throw new ArgumentException($"a {width}×{height} {(rgb ? "RGB" : "grayscale")} image needs {rowBytes * height} bytes, got {pixels.Length}");

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                    // bits per sample
        header[9] = (byte)(rgb ? 2 : 0);  // colour type: 2 truecolour, 0 grayscale
        header[10] = 0;                   // compression: deflate
        header[11] = 0;                   // filter method: adaptive, five filter types
        header[12] = 0;                   // no interlace
        WriteChunk(png, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type 0: the row's bytes as they are
                zlib.Write(pixels.Slice((int)(y * rowBytes), (int)rowBytes));
            }
        }
        WriteChunk(png, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Length (big-endian), type, data, then the CRC-32 of type and data.</summary>
    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        png.Write(word);
    }
}
