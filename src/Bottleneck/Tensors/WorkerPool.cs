namespace Bottleneck.Tensors;

/// <summary>
/// A fixed set of threads that run a body once per index, so kernels can go parallel inside
/// a training step. Nothing is allocated per call as long as callers pass a delegate they
/// created once (a field holding a method group), not a fresh lambda. Results never depend on the
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
    private Action<int>? _body;
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

    public void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        try
        {
            _body = body;
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
            _body = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Drain()
    {
        var body = _body!;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try { body(i); }
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
