namespace Bottleneck.Tensors;

/// <summary>
/// Element-wise work over [0, n) split into fixed chunks that a <see cref="WorkerPool"/> shares
/// out. The chunk size never depends on the thread count, and element-wise results never
/// depend on the split, so parallelising changes no number. Create one per call site and keep
/// it: running it allocates nothing.
/// </summary>
public sealed class ChunkedJob
{
    public const int ChunkSize = 16384;

    private readonly Action<int, int> _body;
    private readonly Action<int> _runChunk;
    private int _count;

    /// <param name="body">Called as body(start, length) for each chunk.</param>
    public ChunkedJob(Action<int, int> body)
    {
        _body = body;
        _runChunk = RunChunk;
    }

    public void Run(WorkerPool pool, int count)
    {
        _count = count;
        pool.For((count + ChunkSize - 1) / ChunkSize, _runChunk);
    }

    private void RunChunk(int chunk)
    {
        int start = chunk * ChunkSize;
        _body(start, Math.Min(ChunkSize, _count - start));
    }
}
