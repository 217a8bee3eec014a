namespace Bottleneck.Tensors;

/// <summary>A unit of parallel work: <see cref="Run"/> is called once per index.</summary>
public interface IParallelJob
{
    void Run(int index);
}

/// <summary>
/// A fixed set of threads that run <see cref="IParallelJob"/> indices without allocating,
/// so kernels can go parallel inside a training step. Results never depend on the
/// thread count because callers split work into index ranges whose arithmetic is the
/// same however the indices are shared out. A call made while the pool is busy (from
/// a job, or from another trial's thread) runs inline on the calling thread.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    /// <summary>A pool of one: everything runs on the calling thread.</summary>
    public static readonly WorkerPool Serial = new(1);

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false);
    private IParallelJob? _job;
    private int _count, _next, _remaining, _busy;
    private Exception? _error;
    private volatile bool _disposed;

    public int Threads { get; }

    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "at least one thread is needed");
        Threads = threads;
        _threads = new Thread[threads - 1];
        _wake = new SemaphoreSlim[threads - 1];
        for (int t = 0; t < _threads.Length; t++)
        {
            _wake[t] = new SemaphoreSlim(0);
            int id = t;
            _threads[t] = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"bottleneck-worker-{t + 1}" };
            _threads[t].Start();
        }
    }

    public void For(int count, IParallelJob job)
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) job.Run(i);
            return;
        }
        try
        {
            _job = job;
            _count = count;
            _next = 0;
            _error = null;
            _remaining = _threads.Length;
            _done.Reset();
            foreach (var w in _wake) w.Release();
            Drain();
            _done.Wait();
            if (_error is { } e) throw new AggregateException(e);
        }
        finally
        {
            _job = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Drain()
    {
        var job = _job!;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try { job.Run(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        }
    }

    private void WorkerLoop(int id)
    {
        while (true)
        {
            _wake[id].Wait();
            if (_disposed) return;
            Drain();
            if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
        }
    }

    public void Dispose()
    {
        if (_disposed || Threads == 1) return;
        _disposed = true;
        foreach (var w in _wake) w.Release();
        foreach (var t in _threads) t.Join();
    }
}
