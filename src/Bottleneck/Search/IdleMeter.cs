using System.Diagnostics;

namespace Bottleneck.Search;

/// <summary>
/// The time a process's job slots sat with nothing to run during a study: slots × the wall time since the meter started,
/// less the time they spent on trials. With synchronous halving it is the wait at each rung's barrier; with asha, the
/// waits for a promotion; without pruning, the slots that ran out of trials while the last ones finished.
/// </summary>
internal sealed class IdleMeter(int slots)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private long _busyTicks;

    /// <summary>Counts <paramref name="span"/> as one slot's work.</summary>
    public void Worked(TimeSpan span) => Interlocked.Add(ref _busyTicks, span.Ticks);

    /// <summary>Idle slot-seconds so far.</summary>
    public double Seconds => Math.Max(0, slots * _wall.Elapsed.TotalSeconds - TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)).TotalSeconds);
}
