namespace Bottleneck.Analysis;

/// <summary>
/// Splits 0..n into a fixed number of contiguous chunks (independent of the thread count) and
/// runs them on up to <c>threads</c> threads. Work that writes only its own rows, or per-chunk
/// partial sums combined in chunk order, is then bit-identical for any number of threads.
/// </summary>
public static class Chunks
{
    public const int Count = 16;

    public static int ChunkCount(int n) => Math.Max(1, Math.Min(Count, n));

    public static (int Start, int End) Range(int n, int chunk)
    {
        int chunks = ChunkCount(n);
        return ((int)((long)n * chunk / chunks), (int)((long)n * (chunk + 1) / chunks));
    }

    /// <summary>Runs body(start, end) once per chunk.</summary>
    public static void For(int n, int threads, Action<int, int> body)
    {
        int chunks = ChunkCount(n);
        if (threads <= 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++)
            {
                var (s, e) = Range(n, c);
                body(s, e);
            }
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            var (s, e) = Range(n, c);
            body(s, e);
        });
    }

    /// <summary>Runs body(chunk, start, end) once per chunk; for per-chunk partial results.</summary>
    public static void ForChunks(int n, int threads, Action<int, int, int> body)
    {
        int chunks = ChunkCount(n);
        if (threads <= 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++)
            {
                var (s, e) = Range(n, c);
                body(c, s, e);
            }
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            var (s, e) = Range(n, c);
            body(c, s, e);
        });
    }
}
