using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bottleneck.Data;

/// <summary>
/// Reads NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0): the magic string, a Python-literal header
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (n, 784), }</c>, then the raw values. Numeric arrays only
/// (bool, signed and unsigned integers of 1–8 bytes, float16/32/64), either byte order, C or Fortran order; the
/// header is checked against the byte count, and arrays of Python objects (saved with <c>allow_pickle</c>) are refused,
/// since reading them would mean running pickled code. Written by hand: no NuGet package reads .npy without pulling
/// in a Python runtime, and the format is one short header.
/// </summary>
internal static partial class Npy
{
    /// <summary>The largest header numpy writes is far smaller; a longer one is not a .npy header.</summary>
    private const int MaxHeaderBytes = 1 << 16;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads one array from <paramref name="stream"/>, whose remaining length is <paramref name="length"/> bytes.</summary>
    /// <param name="source">The file (and entry) for messages.</param>
    /// <param name="stream">The stream, at the array's magic string.</param>
    /// <param name="length">Bytes left in it.</param>
    public static NpyArray Read(Stream stream, long length, string source)
    {
        Span<byte> preamble = stackalloc byte[12];
        int got = stream.ReadAtLeast(preamble[..10], 10, throwOnEndOfStream: false);
        if (got < 10 || !preamble[..6].SequenceEqual(Magic))
            throw new DataFormatException($"{source} is not a .npy file (it does not start with numpy's magic string \\x93NUMPY)");
        int major = preamble[6];
        int headerLength, preambleLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            preambleLength = 10;
        }
        else if (major is 2 or 3)
        {
            if (stream.ReadAtLeast(preamble[10..], 2, throwOnEndOfStream: false) < 2) throw Truncated(source, "its header");
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            if (declared > MaxHeaderBytes) throw new DataFormatException($"{source}: header length {declared:N0} is over {MaxHeaderBytes:N0} bytes; the file is corrupt");
            headerLength = (int)declared;
            preambleLength = 12;
        }
        else throw new DataFormatException($"{source} is .npy format version {major}.{preamble[7]}; Bottleneck reads versions 1, 2 and 3");

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength) throw Truncated(source, "its header");
        // Version 3 allows UTF-8 field names; 1 and 2 are Latin-1, of which ASCII is all a numeric header uses.
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes).Trim();
        var (type, fortran, shape) = ParseHeader(header, source);

        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
            if (count > Array.MaxLength) throw new DataFormatException($"{source}: shape {ShapeText(shape)} holds more values than fit in memory");
        }
        long expected = count * type.Size, available = length - preambleLength - headerLength;
        if (available < expected)
            throw new DataFormatException($"{source} is truncated: shape {ShapeText(shape)} of {type.Name} needs {expected:N0} data bytes, the file holds {available:N0}");
        if (available > expected)
            throw new DataFormatException($"{source}: shape {ShapeText(shape)} of {type.Name} needs {expected:N0} data bytes, but {available:N0} follow the header; the file is corrupt");

        var raw = GC.AllocateUninitializedArray<byte>(checked((int)expected));
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length) throw Truncated(source, "its data");
        return new NpyArray(shape, type, fortran, raw);
    }

    /// <summary>Reads the array in a .npy file.</summary>
    public static NpyArray Load(string path)
    {
        using var stream = InputFile.OpenRead(path, ".npy file");
        return Read(stream, stream.Length, path);
    }

    private static DataFormatException Truncated(string source, string part) => new($"{source} is truncated: it ends inside {part}");

    // The header is a Python dict literal with exactly these three keys, in any order.
    private static (NpyType Type, bool Fortran, long[] Shape) ParseHeader(string header, string source)
    {
        if (!header.StartsWith('{') || !header.EndsWith('}'))
            throw new DataFormatException($"{source}: the header is not a Python dict ({Shorten(header)})");
        var descr = DescrPattern().Match(header);
        if (!descr.Success)
        {
            if (header.Contains("'descr': [", StringComparison.Ordinal) || header.Contains("'descr':[", StringComparison.Ordinal))
                throw new DataFormatException($"{source} holds a structured array (fields of several types); Bottleneck reads plain numeric arrays");
            throw new DataFormatException($"{source}: the header has no 'descr' string ({Shorten(header)})");
        }
        var order = FortranPattern().Match(header);
        if (!order.Success) throw new DataFormatException($"{source}: the header has no 'fortran_order' True or False ({Shorten(header)})");
        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw new DataFormatException($"{source}: the header has no 'shape' tuple ({Shorten(header)})");

        var type = NpyType.Parse(descr.Groups[1].Value, source);
        var shape = new List<long>();
        foreach (var part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // numpy writes plain integers; Python 2's longs carry an L.
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                throw new DataFormatException($"{source}: shape ({shapeMatch.Groups[1].Value}) is not a tuple of non-negative integers");
            shape.Add(d);
        }
        return (type, order.Groups[1].Value == "True", [.. shape]);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    internal static string ShapeText(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + (shape.Count() == 1 ? ",)" : ")");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
