namespace Bottleneck.Tensors;

/// <summary>
/// A batch made of chosen rows of a dataset: batch[i] = source[order[start + i]]. The rows are gathered run by run of
/// samples (<see cref="Conv.SampleChunks"/>) over the pool, so each run is read from memory by the thread that the first
/// layer's kernels give the same run (<see cref="WorkerPool"/> hands index i to the same thread each call), and two cores
/// wait on memory at once rather than one.
/// </summary>
internal static class RowGather
{
    // Below this many values one thread gathers them all, as MSELoss's pass does: a copy of a few kilobytes takes less than
    // waking another thread (a judgement from the pool's hand-off cost, not a measurement of this copy).
    private const int ParallelFrom = 16384;

    /// <summary>batch[i] = source[order[start + i]] for every row i of <paramref name="batch"/>.</summary>
    public static void Gather(Tensor source, int[] order, int start, Tensor batch, WorkerPool pool)
    {
        if (source.RowSize != batch.RowSize) throw new ArgumentException($"rows of {source.RowSize} and {batch.RowSize} values");
        if (start < 0 || start + batch.Rows > order.Length) throw new ArgumentOutOfRangeException(nameof(start), "the batch runs past the order");
        (batch.Length >= ParallelFrom ? pool : WorkerPool.Serial).For(Conv.SampleChunks(batch.Rows).Count, new GatherJob(source, order, start, batch));
    }

    private readonly struct GatherJob(Tensor source, int[] order, int start, Tensor batch) : IParallelJob
    {
        public void Run(int chunk)
        {
            var (first, count) = Conv.SampleChunks(batch.Rows)[chunk];
            for (int i = first; i < first + count; i++) source.Row(order[start + i]).CopyTo(batch.Row(i));
        }
    }
}
