namespace Bottleneck.Tensors;

/// <summary>
/// A contiguous, row-major float32 tensor. The first dimension is the batch; the
/// rest is the per-sample shape. Storage is a plain array so kernels can take spans.
/// </summary>
public sealed class Tensor
{
    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }
    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape { get; }
    /// <summary>Values in all.</summary>
    public int Length => Data.Length;

    /// <summary>A zero tensor of <paramref name="shape"/>.</summary>
    public Tensor(params int[] shape)
    {
        Shape = (int[])shape.Clone();
        Data = new float[ElementCount(shape)];
    }

    /// <summary>A tensor over <paramref name="data"/> (not copied), whose length must be the product of <paramref name="shape"/>.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        if (data.Length != ElementCount(shape))
            throw new ArgumentException($"data has {data.Length} values, shape [{string.Join(", ", shape)}] needs {ElementCount(shape)}");
        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>Rows = first dimension; RowSize = product of the others.</summary>
    public int Rows => Shape[0];
    /// <summary>Values per row: per sample for a batch [B, ...].</summary>
    public int RowSize => Shape.Length == 1 ? 1 : Length / Math.Max(1, Shape[0]);

    /// <summary>The values as a span.</summary>
    public Span<float> Span => Data;
    /// <summary>Row <paramref name="i"/> (sample i of a batch), as a span.</summary>
    public Span<float> Row(int i) => Data.AsSpan(i * RowSize, RowSize);

    /// <summary>The value at flat index <paramref name="i"/>.</summary>
    public float this[int i] { get => Data[i]; set => Data[i] = value; }

    /// <summary>The tensor as a [Rows, RowSize] matrix, e.g. a [B, In] batch or an [Out, In] weight; a conv weight [Cout, Cin, k, k] is [Cout, Cin·k·k].</summary>
    internal Matrix AsMatrix() => new(Data, Rows, RowSize);

    /// <summary>Sets every value to 0.</summary>
    public void Clear() => Array.Clear(Data);
    /// <summary>A copy with its own values.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    /// <summary>The product of <paramref name="shape"/>'s dimensions.</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("tensor dimensions must be non-negative");
            n *= d;
        }
        if (n > Array.MaxLength) throw new ArgumentException($"tensor of {n} elements is too large");
        return (int)n;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}]";
}
