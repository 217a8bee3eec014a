namespace Bottleneck.Tensors;

/// <summary>
/// A fixed set of threads that run a body once per index: the one way Bottleneck goes parallel, from the
/// kernels inside a training step to the analyses. Results never depend on the thread count because callers
/// split work into <see cref="Chunks"/> whose arithmetic is the same however the indices are shared out.
/// <see cref="For{TJob}"/> with a struct job allocates nothing once the pool has seen the job's type, which
/// is what the kernels of a training step use; <see cref="For(int, Action{int})"/> takes any lambda.
/// A call made while the pool is busy (from inside a job, or from another trial's thread) runs inline on
/// the calling thread.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    /// <summary>A pool of one: everything runs on the calling thread.</summary>
    public static readonly WorkerPool Serial = new(1);

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false);
    // One runner per job type, made on first use and reused: touched only by the thread that holds the pool.
    private readonly Dictionary<Type, Work> _runners = [];
    private readonly DelegateWork _delegate = new();
    private Work? _work;
    private int[] _taken = [];  // _taken[i] is 1 once a thread has claimed index i of the current job
    private int _count, _remaining, _busy;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>Threads the pool computes on (1: the caller's only).</summary>
    public int Threads { get; }

    /// <summary>A pool of <paramref name="threads"/> threads (the caller's counts as one).</summary>
    public WorkerPool(int threads)
    {
        if (threads < 1 || threads > Require.MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), $"a pool has 1 to {Require.MaxThreads} threads, not {threads}");
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

    /// <summary>Runs <c>job.Run(i)</c> for every i in [0, count), spread over the pool's threads.</summary>
    internal void For<TJob>(int count, in TJob job) where TJob : struct, IParallelJob
    {
        if (count <= 0) return;
        if (!TryEnter(count))
        {
            for (int i = 0; i < count; i++) job.Run(i);
            return;
        }
        var runner = Runner<TJob>();
        runner.Job = job;
        try
        {
            Run(runner, count);
        }
        finally
        {
            runner.Job = default; // drop the buffers the job held
            Exit();
        }
    }

    /// <summary>Runs <paramref name="body"/>(i) for every i in [0, count). A fresh lambda allocates; kernels use <see cref="For{TJob}"/>.</summary>
    public void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (!TryEnter(count))
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        _delegate.Body = body;
        try
        {
            Run(_delegate, count);
        }
        finally
        {
            _delegate.Body = null;
            Exit();
        }
    }

    /// <summary>Runs <paramref name="body"/>(chunk, start, end) once per piece of <paramref name="chunks"/>: for work over rows, or per-piece partial sums added in piece order afterwards.</summary>
    internal void For(Chunks chunks, Action<int, int, int> body) => For(chunks.Count, c =>
    {
        var (start, count) = chunks[c];
        body(c, start, start + count);
    });

    private bool TryEnter(int count) => Threads > 1 && count > 1 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    private void Exit() => Volatile.Write(ref _busy, 0);

    private JobWork<TJob> Runner<TJob>() where TJob : struct, IParallelJob
    {
        if (!_runners.TryGetValue(typeof(TJob), out var runner)) _runners[typeof(TJob)] = runner = new JobWork<TJob>();
        return (JobWork<TJob>)runner;
    }

    private void Run(Work work, int count)
    {
        try
        {
            _work = work;
            _count = count;
            if (_taken.Length < count) _taken = new int[Math.Max(count, 2 * _taken.Length)];
            Array.Clear(_taken, 0, count);
            _error = null;
            _remaining = _threads.Length;
            _done.Reset();
            foreach (var w in _wake) w.Release();
            Drain(0);
            _done.Wait();
            if (_error is { } e) throw new AggregateException(e);
        }
        finally
        {
            _work = null;
        }
    }

    // Thread `self` (0 the caller, 1… the workers) first takes its own indices, self, self + T, …, so that index i goes to the
    // same thread in every call when no thread falls behind: the kernels of successive layers give index i the same run of
    // samples, whose data then is still in that core's cache rather than the other's. Then it takes whatever the other
    // threads have not begun, from the end backwards (where they get to last), so a slow thread holds nobody up.
    private void Drain(int self)
    {
        var work = _work!;
        int count = _count;
        for (int i = self; i < count; i += Threads) TryRun(work, i);
        for (int i = count - 1; i >= 0; i--) TryRun(work, i);
    }

    private void TryRun(Work work, int i)
    {
        if (Volatile.Read(ref _taken[i]) != 0 || Interlocked.Exchange(ref _taken[i], 1) != 0) return;
        try { work.Run(i); }
        catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
    }

    private void WorkerLoop(int id)
    {
        while (true)
        {
            _wake[id].Wait();
            if (_disposed) return;
            Drain(id + 1);
            if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
        }
    }

    /// <summary>Stops the pool's threads.</summary>
    public void Dispose()
    {
        if (_disposed || Threads == 1) return;
        _disposed = true;
        foreach (var w in _wake) w.Release();
        foreach (var t in _threads) t.Join();
    }

    private abstract class Work
    {
        public abstract void Run(int index);
    }

    private sealed class JobWork<TJob> : Work where TJob : struct, IParallelJob
    {
        public TJob Job;

        public override void Run(int index) => Job.Run(index);
    }

    private sealed class DelegateWork : Work
    {
        public Action<int>? Body;

        public override void Run(int index) => Body!(index);
    }
}
