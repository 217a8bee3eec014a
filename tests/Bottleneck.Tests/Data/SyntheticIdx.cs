using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Bottleneck.Data;

namespace Bottleneck.Tests.Data;

/// <summary>
/// Small IDX files made in the test, and a dataset description ("tiny") whose published
/// checksums are theirs, so search, download and verification run end to end without real data.
/// </summary>
public static class SyntheticIdx
{
    /// <summary>An IDX file: the magic number for unsigned bytes with <paramref name="dimensions"/>.Length dimensions, then <paramref name="values"/>.</summary>
    public static byte[] File(int[] dimensions, ReadOnlySpan<byte> values)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + values.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        values.CopyTo(bytes.AsSpan(4 + 4 * dimensions.Length));
        return bytes;
    }

    /// <summary><paramref name="count"/> images of rows×columns whose pixel i is (seed + 7i) mod 256.</summary>
    public static byte[] Images(int count, int rows, int columns, int seed = 0) =>
        File([count, rows, columns], Pattern(count * rows * columns, seed));

    public static byte[] Labels(int count, int seed = 0) =>
        File([count], [.. Enumerable.Range(0, count).Select(i => (byte)((i + seed) % 10))]);

    public static byte[] Pattern(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)((seed + 7 * i) % 256))];

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The four uncompressed files of "tiny": 5 training and 3 test images of 4×3 pixels.</summary>
    public static IReadOnlyDictionary<string, byte[]> TinyContents { get; } = new Dictionary<string, byte[]>
    {
        ["train-images-idx3-ubyte"] = Images(5, 4, 3, seed: 1),
        ["train-labels-idx1-ubyte"] = Labels(5, seed: 2),
        ["t10k-images-idx3-ubyte"] = Images(3, 4, 3, seed: 3),
        ["t10k-labels-idx1-ubyte"] = Labels(3, seed: 4),
    };

    /// <summary>The files as served: gzip-compressed, under their .gz names.</summary>
    public static IReadOnlyDictionary<string, byte[]> TinyServed { get; } =
        TinyContents.ToDictionary(kv => kv.Key + ".gz", kv => Gzip(kv.Value));

    /// <summary>"tiny" as published at <paramref name="mirrors"/>, with both checksums of each file.</summary>
    public static IdxDataset Tiny(params Uri[] mirrors) => new(
        "tiny", "synthetic test images", mirrors,
        Published("train-images-idx3-ubyte"), Published("train-labels-idx1-ubyte"),
        Published("t10k-images-idx3-ubyte"), Published("t10k-labels-idx1-ubyte"))
    {
        DebianPackage = "dataset-tiny",
    };

    /// <summary>Writes tiny's four files into <paramref name="directory"/>, gzip-compressed or not.</summary>
    public static void WriteTiny(string directory, bool gzip = true)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in TinyContents)
            System.IO.File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? TinyServed[name + ".gz"] : content);
    }

    private static PublishedFile Published(string name)
    {
        byte[] served = TinyServed[name + ".gz"];
        return new PublishedFile(name + ".gz", served.Length, Sha256(served), Sha256(TinyContents[name]));
    }
}
