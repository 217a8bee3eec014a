namespace Bottleneck.Tensors;

/// <summary>
/// A contiguous, row-major float32 tensor. The first dimension is the batch; the
/// rest is the per-sample shape. Storage is a plain array so kernels can take spans.
/// </summary>
public sealed class Tensor
{
    public float[] Data { get; }
    public int[] Shape { get; }
    public int Length => Data.Length;

    public Tensor(params int[] shape)
    {
        Shape = (int[])shape.Clone();
        Data = new float[ElementCount(shape)];
    }

    public Tensor(float[] data, params int[] shape)
    {
        if (data.Length != ElementCount(shape))
            throw new ArgumentException($"data has {data.Length} values, shape [{string.Join(", ", shape)}] needs {ElementCount(shape)}");
        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>Rows = first dimension; RowSize = product of the others.</summary>
    public int Rows => Shape[0];
    public int RowSize => Shape.Length == 1 ? 1 : Length / Math.Max(1, Shape[0]);

    public Span<float> Span => Data;
    public Span<float> Row(int i) => Data.AsSpan(i * RowSize, RowSize);

    public float this[int i] { get => Data[i]; set => Data[i] = value; }

    /// <summary>The tensor as a [Rows, RowSize] matrix, e.g. a [B, In] batch or an [Out, In] weight; a conv weight [Cout, Cin, k, k] is [Cout, Cin·k·k].</summary>
    public Matrix AsMatrix() => new(Data, Rows, RowSize);

    public void Clear() => Array.Clear(Data);
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

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

    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}]";
}
