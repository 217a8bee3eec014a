using System.Buffers.Binary;
using System.IO.Compression;
using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and its look-alikes (Fashion-MNIST, KMNIST): a
/// big-endian header (two zero bytes, the type code 0x08 for unsigned bytes, the number of
/// dimensions, then one int32 per dimension) followed by exactly the values it announces.
/// Images are idx3 [count, rows, columns], labels idx1 [count]. A file may be gzip-compressed;
/// that is told by its first two bytes (1f 8b), never by its name.
/// </summary>
internal static class Idx
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    private const byte UnsignedByteType = 0x08;
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    // byte/255 as a table: exactly the value PyTorch's ToTensor computes, at one load per pixel.
    private static readonly float[] Scale = [.. Enumerable.Range(0, 256).Select(b => b / 255f)];

    public static IdxFile ReadImages(string path) => Read(path, ImagesMagic);

    public static IdxFile ReadLabels(string path) => Read(path, LabelsMagic);

    /// <summary>Images and their labels as one dataset: pixels scaled to [0, 1], rows of rows×columns features.</summary>
    public static Dataset Load(string name, string imagesPath, string labelsPath) =>
        ToDataset(name, ReadImages(imagesPath), ReadLabels(labelsPath));

    public static Dataset ToDataset(string name, IdxFile images, IdxFile labels)
    {
        if (images.Dimensions.Length != 3) throw new ArgumentException($"{images.FileName} is not an images file", nameof(images));
        if (labels.Dimensions.Length != 1) throw new ArgumentException($"{labels.FileName} is not a labels file", nameof(labels));
        if (images.Count != labels.Count)
            throw new DataFormatException($"{images.FileName} holds {images.Count:N0} images but {labels.FileName} holds {labels.Count:N0} labels; the two files do not belong together");

        var pixels = new float[images.Values.Length];
        var values = images.Values;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Scale[values[i]];
        var classes = new int[labels.Count];
        for (int i = 0; i < classes.Length; i++) classes[i] = labels.Values[i];

        int rows = images.Dimensions[1], columns = images.Dimensions[2];
        return new Dataset(name, new Tensor(pixels, images.Count, rows * columns), classes, [1, rows, columns]);
    }

    private static IdxFile Read(string path, int magic)
    {
        string file = Path.GetFileName(path);
        using (var raw = InputFile.OpenRead(path, "IDX file"))
        {
            bool compressed = IsGzip(raw);
            using Stream stream = compressed ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            try
            {
                return Read(stream, file, magic, compressed);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException($"{file} is damaged: its gzip data cannot be decompressed ({e.Message.TrimEnd('.')})");
            }
        }
    }

    private static IdxFile Read(Stream stream, string file, int magic, bool compressed)
    {
        int expectedDimensions = magic & 0xff;
        string unit = expectedDimensions == 3 ? "pixel" : "label";

        Span<byte> head = stackalloc byte[4 + 4 * expectedDimensions];
        int got = stream.ReadAtLeast(head[..4], 4, throwOnEndOfStream: false);
        if (got < 4) throw new DataFormatException($"{file} is truncated: its IDX header needs at least 4 bytes, found {got}");
        if (head[0] != 0 || head[1] != 0 || head[2] != UnsignedByteType)
            throw new DataFormatException($"{file} is not an IDX file of unsigned bytes: magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(head):x8}, expected 0x{magic:x8}");
        if (head[3] != expectedDimensions)
            throw new DataFormatException($"{file} has {head[3]} dimension{(head[3] == 1 ? "" : "s")}, expected {expectedDimensions} " +
                (expectedDimensions == 3 ? "(count, rows, columns): is it a labels file?" : "(count): is it an images file?"));

        got += stream.ReadAtLeast(head[4..], head.Length - 4, throwOnEndOfStream: false);
        if (got < head.Length) throw new DataFormatException($"{file} is truncated: its IDX header needs {head.Length} bytes, found {got}");

        var dimensions = new int[expectedDimensions];
        long values = 1;
        for (int d = 0; d < dimensions.Length; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(head[(4 + 4 * d)..]);
            if (dimensions[d] <= 0) throw new DataFormatException($"{file}: dimension {d + 1} of its header is {dimensions[d]}; every dimension must be positive");
            values *= dimensions[d];
            if (values > Array.MaxLength - head.Length) throw new DataFormatException($"{file}: its header announces more values than fit in memory ({string.Join(" × ", dimensions[..(d + 1)])}…)");
        }

        // A header may announce far more than the file holds: memory is taken as the data arrives, never on the header's word.
        if (!compressed && stream.Length - head.Length < values)
            throw new DataFormatException($"{file} is truncated: expected {values:N0} {unit} bytes, found {stream.Length - head.Length:N0}");
        var content = compressed ? ReadGrowing(stream, head, values) : new byte[head.Length + values];
        if (!compressed)
        {
            head.CopyTo(content);
            stream.ReadExactly(content.AsSpan(head.Length));
        }
        long payload = content.Length - head.Length;
        if (payload < values) throw new DataFormatException($"{file} is truncated: expected {values:N0} {unit} bytes, found {payload:N0}");
        long extra = CountRemaining(stream);
        if (extra > 0) throw new DataFormatException($"{file} has {(extra > MaxExtraCounted ? "more than " + MaxExtraCounted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : extra.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} bytes after the {values:N0} {unit} bytes its header announces; it is corrupt or not an IDX file");
        return new IdxFile(file, dimensions, content, compressed);
    }

    /// <summary>True when a seekable stream starts with the gzip magic bytes; the stream is left at its start.</summary>
    internal static bool IsGzip(Stream stream)
    {
        Span<byte> first = stackalloc byte[GzipMagic.Length];
        int got = stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        return got == GzipMagic.Length && first.SequenceEqual(GzipMagic);
    }

    // Trailing bytes are counted up to this many: a gzip bomb's tail is not worth expanding to count.
    private const long MaxExtraCounted = 1 << 20;

    private static long CountRemaining(Stream stream)
    {
        Span<byte> sink = stackalloc byte[4096];
        long count = 0;
        int n;
        while (count <= MaxExtraCounted && (n = stream.Read(sink)) > 0) count += n;
        return count;
    }

    // The header and up to `values` bytes of a stream whose length is unknown (gzip), in a buffer that grows with what comes.
    private static byte[] ReadGrowing(Stream stream, ReadOnlySpan<byte> head, long values)
    {
        long want = head.Length + values;
        var buffer = new byte[(int)Math.Min(want, 1 << 24)];
        head.CopyTo(buffer);
        int filled = head.Length;
        while (filled < want)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(want, 2L * buffer.Length));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        if (filled < buffer.Length) Array.Resize(ref buffer, filled);
        return buffer;
    }
}
