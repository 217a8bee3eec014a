using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Brute-force k nearest neighbours by squared Euclidean distance, excluding the point itself;
/// ties go to the smaller index. O(n²·d), split over rows (the result does not depend on threads).
/// </summary>
public static class NearestNeighbours
{
    /// <summary>Neighbours [n·k] (nearest first) and their squared distances [n·k].</summary>
    public static (int[] Indices, double[] SquaredDistances) Find(Tensor x, int k, int threads)
    {
        int n = x.Rows;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{n - 1}, got {k}");
        var indices = new int[n * k];
        var distances = new double[n * k];
        Chunks.For(n, threads, (start, end) =>
        {
            var heap = new (double D, int J)[k];
            for (int i = start; i < end; i++)
            {
                int size = 0;
                var xi = x.Row(i);
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double d = Affinities.SquaredDistance(xi, x.Row(j));
                    if (size < k) { heap[size++] = (d, j); SiftUp(heap, size - 1); }
                    else if (Before((d, j), heap[0])) { heap[0] = (d, j); SiftDown(heap, k); }
                }
                // The heap holds the k nearest with the farthest on top; sort them nearest first.
                Array.Sort(heap, 0, size, Comparer<(double D, int J)>.Create((a, b) => Before(a, b) ? -1 : Before(b, a) ? 1 : 0));
                for (int m = 0; m < k; m++)
                {
                    indices[i * k + m] = heap[m].J;
                    distances[i * k + m] = heap[m].D;
                }
            }
        });
        return (indices, distances);
    }

    private static bool Before((double D, int J) a, (double D, int J) b) => a.D < b.D || (a.D == b.D && a.J < b.J);

    // Max-heap on (distance, index): the root is the worst of the kept neighbours.
    private static void SiftUp((double D, int J)[] heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(heap[parent], heap[i])) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown((double D, int J)[] heap, int size)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, top = i;
            if (l < size && Before(heap[top], heap[l])) top = l;
            if (r < size && Before(heap[top], heap[r])) top = r;
            if (top == i) return;
            (heap[top], heap[i]) = (heap[i], heap[top]);
            i = top;
        }
    }
}
