using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

// The pool's hand-off (wake the workers, share out the indices, wait for the last) is what every parallel kernel rests on:
// a job missed, run twice, or still running when For returns would show up here as a wrong count.
public class WorkerPoolTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_index_runs_exactly_once_per_call_back_to_back_and_after_idle_spells(int threads)
    {
        using var pool = new WorkerPool(threads);
        var hits = new int[257];
        for (int call = 0; call < 400; call++)
        {
            int count = 1 + call % 257;
            Array.Clear(hits);
            pool.For(count, i => Interlocked.Increment(ref hits[i]));
            hits.Take(count).Should().AllBeEquivalentTo(1, $"call {call} over {count} indices");
            hits.Skip(count).Should().AllBeEquivalentTo(0);
            // Every 50th call leaves the workers idle for a while first.
            if (call % 50 == 49) Thread.Sleep(5);
        }
    }

    // Each thread takes its own indices first (so a run of samples stays on one core from layer to layer), then takes what
    // another has not begun: with the caller held up on index 0, the worker runs every other index.
    [Fact]
    public void A_thread_that_falls_behind_has_its_indices_taken_by_the_others()
    {
        using var pool = new WorkerPool(2);
        var ranOn = new int[16];
        int caller = Environment.CurrentManagedThreadId;
        pool.For(16, i =>
        {
            if (i == 0 && Environment.CurrentManagedThreadId == caller) Thread.Sleep(300);
            ranOn[i] = Environment.CurrentManagedThreadId;
        });
        ranOn.Skip(1).Should().OnlyContain(id => id != caller, "the worker took the caller's indices 2, 4, … while it slept");
    }

    [Fact]
    public void For_returns_only_after_every_index_has_finished()
    {
        using var pool = new WorkerPool(2);
        for (int call = 0; call < 200; call++)
        {
            int finished = 0;
            pool.For(8, i =>
            {
                Thread.SpinWait(i * 200);
                Interlocked.Increment(ref finished);
            });
            Volatile.Read(ref finished).Should().Be(8, $"call {call}");
        }
    }

    [Fact]
    public void A_job_that_throws_surfaces_its_exception_and_the_pool_keeps_working()
    {
        using var pool = new WorkerPool(2);
        var act = () => pool.For(16, i => { if (i == 11) throw new InvalidOperationException("piece 11"); });
        act.Should().Throw<AggregateException>().WithInnerException<InvalidOperationException>().WithMessage("piece 11");
        int total = 0;
        pool.For(16, i => Interlocked.Add(ref total, i));
        total.Should().Be(120);
    }

    [Fact]
    public void A_call_from_inside_a_job_runs_inline_and_completes()
    {
        using var pool = new WorkerPool(2);
        var inner = new int[4 * 8];
        pool.For(4, outer => pool.For(8, i => Interlocked.Increment(ref inner[8 * outer + i])));
        inner.Should().AllBeEquivalentTo(1);
    }

    [Fact]
    public async Task Dispose_stops_every_worker()
    {
        // Dispose joins the threads, so it returns only if each one saw the stop; a lost wake-up would hang it.
        var pool = new WorkerPool(3);
        pool.For(6, _ => { });
        var disposed = Task.Run(pool.Dispose);
        (await Task.WhenAny(disposed, Task.Delay(TimeSpan.FromSeconds(30)))).Should().BeSameAs(disposed);
    }
}
