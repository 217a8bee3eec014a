using System.Buffers.Binary;

namespace Bottleneck.Data;

/// <summary>A numeric NumPy dtype as a .npy header spells it (<c>'&lt;f4'</c>, <c>'|u1'</c>, <c>'&gt;i8'</c>): kind, size and byte order.</summary>
internal sealed record NpyType(char Kind, int Size, bool BigEndian)
{
    /// <summary>numpy's own name for it: uint8, float32, …</summary>
    public string Name => Kind switch
    {
        'b' => "bool",
        'i' => $"int{8 * Size}",
        'u' => $"uint{8 * Size}",
        _ => $"float{8 * Size}",
    };

    /// <summary>Reads a descr string; anything but a plain number type is refused with what it is and what to do.</summary>
    public static NpyType Parse(string descr, string source)
    {
        if (descr.Length < 2) throw new DataFormatException($"{source}: dtype '{descr}' is not a numpy type string");
        char order = descr[0];
        string rest = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        bool big = order == '>';
        if (rest.StartsWith('O'))
            throw new DataFormatException($"{source} holds Python objects (an array saved with allow_pickle); Bottleneck does not unpickle data, since that can run code: save a numeric array, e.g. np.save(path, np.asarray(x, dtype=np.float32))");
        if (rest.Length < 2 || !int.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size))
            throw new DataFormatException($"{source}: dtype '{descr}' is not a numpy type string");
        char kind = rest[0];
        bool known = kind switch
        {
            'b' => size == 1,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'f' => size is 2 or 4 or 8,
            _ => false,
        };
        if (!known)
        {
            string what = kind switch { 'c' => "complex numbers", 'U' or 'S' or 'a' => "strings", 'M' or 'm' => "dates or time spans", 'V' => "raw records", _ => $"dtype '{descr}'" };
            throw new DataFormatException($"{source} holds {what}; Bottleneck reads bool, integer and float arrays");
        }
        return new NpyType(kind, size, big && size > 1);
    }

    /// <summary>Value <paramref name="index"/> of <paramref name="raw"/>, as a double (exact for every type but 64-bit integers past 2⁵³).</summary>
    public double Read(ReadOnlySpan<byte> raw, long index)
    {
        var at = raw.Slice((int)(index * Size), Size);
        return (Kind, Size) switch
        {
            ('b', _) or ('u', 1) => at[0],
            ('i', 1) => (sbyte)at[0],
            ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(at) : BinaryPrimitives.ReadInt16LittleEndian(at),
            ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(at) : BinaryPrimitives.ReadUInt16LittleEndian(at),
            ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(at) : BinaryPrimitives.ReadInt32LittleEndian(at),
            ('u', 4) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at),
            ('i', 8) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(at) : BinaryPrimitives.ReadInt64LittleEndian(at),
            ('u', 8) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(at) : BinaryPrimitives.ReadUInt64LittleEndian(at),
            ('f', 2) => (double)(BigEndian ? BinaryPrimitives.ReadHalfBigEndian(at) : BinaryPrimitives.ReadHalfLittleEndian(at)),
            ('f', 4) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(at) : BinaryPrimitives.ReadSingleLittleEndian(at),
            _ => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(at) : BinaryPrimitives.ReadDoubleLittleEndian(at),
        };
    }
}
