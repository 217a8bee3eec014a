namespace Bottleneck.Tensors;

/// <summary>
/// A batch cut into fixed runs of <see cref="Size"/> samples: the unit in which convolution
/// layers share work among threads and sum weight gradients. Fixed, not derived from the thread
/// count, so the sums are the same on any machine; whole runs per thread keep neighbouring
/// samples, whose columns share cache lines, on one core.
/// </summary>
public readonly record struct SampleChunks(int Batch)
{
    public const int Size = 16;

    public int Count => (Batch + Size - 1) / Size;

    public (int First, int Count) this[int chunk] => (chunk * Size, Math.Min(Size, Batch - chunk * Size));
}
