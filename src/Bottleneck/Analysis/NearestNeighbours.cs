using System.Numerics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Brute-force k nearest neighbours by squared Euclidean distance, excluding the point itself;
/// ties go to the smaller index. O(n²·d), split over rows (the result does not depend on threads).
/// Candidates are screened with single-precision SIMD distances, keeping a few more than k; the
/// kept ones are then measured again in double precision and the k nearest of those returned, so
/// the result is that of an all-double search unless rounding moves a point across several ranks.
/// </summary>
internal static class NearestNeighbours
{
    /// <summary>Extra candidates kept by the single-precision screen.</summary>
    private const int Slack = 8;

    /// <summary>Neighbours [n·k] (nearest first) and their squared distances [n·k].</summary>
    public static (int[] Indices, double[] SquaredDistances) Find(Tensor x, int k, WorkerPool pool)
    {
        int n = x.Rows, d = x.RowSize;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{n - 1}, got {k}");
        int m = Math.Min(n - 1, k + Slack);
        var data = x.Data;
        var indices = new int[n * k];
        var distances = new double[n * k];
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            var heap = new (float D, int J)[m];
            var exact = new (double D, int J)[m];
            for (int i = start; i < end; i++)
            {
                int size = 0;
                var xi = new ReadOnlySpan<float>(data, i * d, d);
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    float dist = SquaredDistance(xi, new ReadOnlySpan<float>(data, j * d, d));
                    if (size < m) { heap[size++] = (dist, j); SiftUp(heap, size - 1); }
                    else if (dist < heap[0].D || (dist == heap[0].D && j < heap[0].J)) { heap[0] = (dist, j); SiftDown(heap, m); }
                }
                for (int c = 0; c < size; c++)
                    exact[c] = (Affinities.SquaredDistance(xi, new ReadOnlySpan<float>(data, heap[c].J * d, d)), heap[c].J);
                Array.Sort(exact, 0, size, Comparer<(double D, int J)>.Create((a, b) => Before(a, b) ? -1 : Before(b, a) ? 1 : 0));
                for (int c = 0; c < k; c++)
                {
                    indices[i * k + c] = exact[c].J;
                    distances[i * k + c] = exact[c].D;
                }
            }
        });
        return (indices, distances);
    }

    /// <summary>Σ (a − b)² in single precision, eight (or the vector width) lanes at a time.</summary>
    private static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float s = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var diff = new Vector<float>(a[i..]) - new Vector<float>(b[i..]);
                acc += diff * diff;
            }
            s = Vector.Sum(acc);
        }
        for (; i < a.Length; i++)
        {
            float diff = a[i] - b[i];
            s += diff * diff;
        }
        return s;
    }

    private static bool Before((double D, int J) a, (double D, int J) b) => a.D < b.D || (a.D == b.D && a.J < b.J);

    private static bool Before((float D, int J) a, (float D, int J) b) => a.D < b.D || (a.D == b.D && a.J < b.J);

    // Max-heap on (distance, index): the root is the worst of the kept neighbours.
    private static void SiftUp((float D, int J)[] heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(heap[parent], heap[i])) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown((float D, int J)[] heap, int size)
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
