namespace Bottleneck.Tensors;

/// <summary>
/// A matrix inside a span of floats, as <see cref="Gemm"/> reads and writes it: <see cref="Rows"/> × <see cref="Cols"/>
/// values stored row by row, <see cref="Stride"/> apart (more than <see cref="Cols"/> for a block of columns of a wider
/// matrix). <see cref="T"/> is the same storage read as its transpose: <c>Gemm.Multiply(x, w.T, y)</c> is y = x·Wᵀ.
/// </summary>
internal readonly ref struct Matrix
{
    public Matrix(Span<float> data, int rows, int cols, int stride = 0) : this(data, rows, cols, stride == 0 ? cols : stride, transposed: false)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"a matrix cannot be {rows}×{cols}");
        if (Stride < cols) throw new ArgumentException($"stride {Stride} is less than the row length {cols}");
        long extent = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * Stride + cols;
        if (data.Length < extent) throw new ArgumentException($"a {rows}×{cols} matrix with stride {Stride} needs {extent} values, the span holds {data.Length}");
    }

    private Matrix(Span<float> data, int rows, int cols, int stride, bool transposed)
    {
        Data = data;
        (Rows, Cols, Stride, Transposed) = (rows, cols, stride, transposed);
    }

    public Span<float> Data { get; }

    /// <summary>Stored rows.</summary>
    public int Rows { get; }

    /// <summary>Stored columns.</summary>
    public int Cols { get; }

    /// <summary>Values from the start of one stored row to the next.</summary>
    public int Stride { get; }

    /// <summary>Whether the view reads the storage as its transpose.</summary>
    public bool Transposed { get; }

    /// <summary>The same storage, read as its transpose.</summary>
    public Matrix T => new(Data, Rows, Cols, Stride, !Transposed);

    /// <summary>Rows of the matrix as read: <see cref="Rows"/>, or <see cref="Cols"/> when transposed.</summary>
    public int OpRows => Transposed ? Cols : Rows;

    /// <summary>Columns of the matrix as read.</summary>
    public int OpCols => Transposed ? Rows : Cols;
}
