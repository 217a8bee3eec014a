using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

/// <summary>
/// An independent PNG reader for the tests: checks the signature, every chunk's CRC (with a
/// bit-by-bit CRC-32, not the encoder's table), the chunk order, inflates the IDAT data and
/// undoes filter type 0, the only one the encoder writes.
/// </summary>
public static class PngDecoder
{
    public sealed record Image(int Width, int Height, int Channels, byte[] Pixels, IReadOnlyList<string> Chunks)
    {
        public byte At(int x, int y, int channel = 0) => Pixels[(y * Width + x) * Channels + channel];
    }

    public static Image Decode(byte[] png)
    {
        png[..8].Should().Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG starts with its signature");
        var chunks = new List<string>();
        var idat = new MemoryStream();
        int width = 0, height = 0, channels = 0;
        int pos = 8;
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var typeAndData = png.AsSpan(pos + 4, 4 + length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            crc.Should().Be(BitwiseCrc32(typeAndData), $"the CRC of chunk {type}");
            var data = typeAndData[4..];
            chunks.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].Should().Be(8, "8 bits per sample");
                channels = data[9] switch { 0 => 1, 2 => 3, var t => throw new Xunit.Sdk.XunitException($"colour type {t}") };
                data[10..].ToArray().Should().Equal([0, 0, 0], "deflate, standard filters, no interlace");
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        pos.Should().Be(png.Length, "the last chunk ends at the end of the file");
        chunks.First().Should().Be("IHDR");
        chunks.Last().Should().Be("IEND");

        using var inflated = new MemoryStream();
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int rowBytes = width * channels;
        raw.Length.Should().Be(height * (rowBytes + 1), "one filter byte and one row of samples per scanline");
        var pixels = new byte[height * rowBytes];
        for (int y = 0; y < height; y++)
        {
            raw[y * (rowBytes + 1)].Should().Be(0, $"row {y} uses filter type 0");
            Array.Copy(raw, y * (rowBytes + 1) + 1, pixels, y * rowBytes, rowBytes);
        }
        return new Image(width, height, channels, pixels, chunks);
    }

    public static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
