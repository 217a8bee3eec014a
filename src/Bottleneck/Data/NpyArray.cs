using System.Numerics.Tensors;

namespace Bottleneck.Data;

/// <summary>An array read from a .npy file: its shape, dtype and memory order, and its bytes as stored.</summary>
internal sealed class NpyArray(long[] shape, NpyType type, bool fortranOrder, byte[] raw)
{
    /// <summary>The array's dimensions, as numpy's <c>shape</c>.</summary>
    public IReadOnlyList<long> Shape { get; } = shape;
    /// <summary>The element type, as the header's <c>descr</c> gave it.</summary>
    public NpyType Type { get; } = type;
    /// <summary>Whether the values are stored first index fastest (numpy's <c>fortran_order</c>); <see cref="ToFloats"/> returns C order either way.</summary>
    public bool FortranOrder { get; } = fortranOrder;

    /// <summary>How many values: the product of the shape (1 for a 0-d array).</summary>
    public long Count => raw.Length / Type.Size;

    /// <summary>
    /// The values in C (row-major) order as floats: uint8 divided by 255, so images land in [0, 1] as the MNIST family
    /// does; every other type as it is.
    /// </summary>
    public float[] ToFloats()
    {
        var values = GC.AllocateUninitializedArray<float>(checked((int)Count));
        if (Type is { Kind: 'u', Size: 1 })
        {
            // Vectorised; IEEE division gives the same floats as the MNIST family's b / 255f.
            TensorPrimitives.ConvertTruncating<byte, float>(raw, values);
            TensorPrimitives.Divide(values, 255f, values);
        }
        else if (Type is { Kind: 'f', Size: 4, BigEndian: false })
            Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
        else
            for (int i = 0; i < values.Length; i++) values[i] = (float)Type.Read(raw, i);
        return FortranOrder ? ToRowMajor(values) : values;
    }

    /// <summary>The values as class labels: whole numbers from 0 to 2³¹−1, else a <see cref="DataFormatException"/> naming <paramref name="source"/>.</summary>
    public int[] ToLabels(string source)
    {
        var labels = new int[Count];
        for (int i = 0; i < labels.Length; i++)
        {
            double v = Type.Read(raw, i);
            if (v < 0 || v > int.MaxValue || v != Math.Floor(v))
                throw new DataFormatException($"{source}: label {v} at index {i:N0} is not a whole number from 0 up; labels are class numbers");
            labels[i] = (int)v;
        }
        // Labels are one per sample, so their order is the same in C and Fortran layout unless the array is 2-D ([n, 1] is the only such shape allowed).
        return labels;
    }

    // Fortran order stores the first index fastest; walk the stored values in that order and place each at its row-major position.
    private float[] ToRowMajor(float[] stored)
    {
        int rank = Shape.Count;
        if (rank < 2) return stored;
        var rowStride = new long[rank];
        rowStride[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) rowStride[d] = rowStride[d + 1] * Shape[d + 1];
        var index = new long[rank];
        var result = new float[stored.Length];
        long at = 0;
        for (long f = 0; f < stored.Length; f++)
        {
            result[at] = stored[f];
            for (int d = 0; d < rank; d++)
            {
                index[d]++;
                at += rowStride[d];
                if (index[d] < Shape[d]) break;
                at -= index[d] * rowStride[d];
                index[d] = 0;
            }
        }
        return result;
    }
}
