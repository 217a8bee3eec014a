namespace Bottleneck.Tensors;

/// <summary>
/// A split of the indices [0, n) into consecutive pieces that never depends on the thread count: pieces of a
/// fixed size (<see cref="OfSize"/>: a batch in runs of 16 samples, a tensor in runs of 16,384 values), or a
/// fixed number of near-equal pieces (<see cref="Into"/>). Threads share out whole pieces, and sums over pieces
/// are added in piece order, so results are the same bits on any number of threads.
/// </summary>
internal readonly record struct Chunks
{
    /// <summary>The pieces work over points (distances, neighbours, t-SNE's forces) is cut into: enough for 16 threads, and fixed.</summary>
    public const int Pieces = 16;

    private readonly int _size; // 0: Count near-equal pieces

    private Chunks(int length, int count, int size) => (Length, Count, _size) = (length, count, size);

    /// <summary>How many indices are split.</summary>
    public int Length { get; }

    /// <summary>How many pieces there are (at least 1 for a non-empty range).</summary>
    public int Count { get; }

    /// <summary>Pieces of <paramref name="size"/> indices each, the last one shorter.</summary>
    public static Chunks OfSize(int length, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "a piece holds at least one index");
        return new Chunks(length, (length + size - 1) / size, size);
    }

    /// <summary><paramref name="pieces"/> near-equal pieces (fewer when there are fewer indices): piece c is [n·c/k, n·(c+1)/k).</summary>
    public static Chunks Into(int length, int pieces = Pieces) => new(length, Math.Max(1, Math.Min(pieces, length)), 0);

    /// <summary>Piece <paramref name="chunk"/> as its first index and its number of indices.</summary>
    public (int Start, int Count) this[int chunk]
    {
        get
        {
            if (_size > 0) return (chunk * _size, Math.Min(_size, Length - chunk * _size));
            int start = (int)((long)Length * chunk / Count), end = (int)((long)Length * (chunk + 1) / Count);
            return (start, end - start);
        }
    }
}
