using System.Numerics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Brute-force k nearest neighbours by squared Euclidean distance, excluding the point itself;
/// ties go to the smaller index. O(n²·d), split over rows (the result does not depend on threads).
/// Candidates are screened with single-precision SIMD distances, keeping a few more than k; the
/// kept ones are then measured again in double precision and the k nearest of those returned, so
/// the result is that of an all-double search unless rounding moves a point across several ranks.
/// The screen runs <see cref="Queries"/> points at a time against a vector of candidates read from
/// a transposed copy of the points [d, n], so each candidate value loaded serves four distances and
/// a whole vector of them is compared with the worst kept distance at once (at 70,000 points of 20
/// dimensions the pairwise search was 23 s of a 59 s t-SNE, one pair at a time).
/// </summary>
internal static class NearestNeighbours
{
    /// <summary>Extra candidates kept by the single-precision screen.</summary>
    private const int Slack = 8;

    /// <summary>Points screened together against each vector of candidates.</summary>
    private const int Queries = 4;

    /// <summary>Neighbours [n·k] (nearest first) and their squared distances [n·k].</summary>
    public static (int[] Indices, double[] SquaredDistances) Find(Tensor x, int k, WorkerPool pool)
    {
        int n = x.Rows, d = x.RowSize;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{n - 1}, got {k}");
        int m = Math.Min(n - 1, k + Slack);
        var data = x.Data;
        var columns = Transpose(x, out int stride);
        var indices = new int[n * k];
        var distances = new double[n * k];
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            var heaps = new Heap[Queries];
            for (int q = 0; q < Queries; q++) heaps[q] = new Heap(m);
            var exact = new (double D, int J)[m];
            for (int i0 = start; i0 < end; i0 += Queries)
            {
                int queries = Math.Min(Queries, end - i0);
                for (int q = 0; q < queries; q++) heaps[q].Size = 0;
                Screen(data, columns, stride, n, d, i0, queries, heaps);
                for (int q = 0; q < queries; q++)
                {
                    int i = i0 + q;
                    var heap = heaps[q];
                    var xi = new ReadOnlySpan<float>(data, i * d, d);
                    for (int c = 0; c < heap.Size; c++)
                        exact[c] = (Affinities.SquaredDistance(xi, new ReadOnlySpan<float>(data, heap.Items[c].J * d, d)), heap.Items[c].J);
                    Array.Sort(exact, 0, heap.Size, Comparer<(double D, int J)>.Create((a, b) => Before(a, b) ? -1 : Before(b, a) ? 1 : 0));
                    for (int c = 0; c < k; c++)
                    {
                        indices[i * k + c] = exact[c].J;
                        distances[i * k + c] = exact[c].D;
                    }
                }
            }
        });
        return (indices, distances);
    }

    // The points as columns [d, stride]: value t of point j at t·stride + j, stride n rounded up to whole vectors (zeros after n).
    private static float[] Transpose(Tensor x, out int stride)
    {
        int n = x.Rows, d = x.RowSize, width = Vector<float>.Count;
        stride = (n + width - 1) / width * width;
        var columns = new float[d * stride];
        for (int j = 0; j < n; j++)
        {
            var row = x.Row(j);
            for (int t = 0; t < d; t++) columns[t * stride + j] = row[t];
        }
        return columns;
    }

    /// <summary>
    /// Fills heaps[q] with the m single-precision nearest of points i0 + q (q &lt; queries), walking every candidate once in
    /// index order: a vector of distances per query, Σ_t (x_jt − x_it)² over t in order, and only the lanes below the worst
    /// kept distance can enter the heap (candidates come in ascending index, so a tie never displaces a kept one).
    /// </summary>
    private static void Screen(float[] data, float[] columns, int stride, int n, int d, int i0, int queries, Heap[] heaps)
    {
        int width = Vector<float>.Count;
        Span<Vector<float>> sums = stackalloc Vector<float>[Queries];
        for (int j0 = 0; j0 < n; j0 += width)
        {
            sums.Clear();
            for (int t = 0; t < d; t++)
            {
                var candidates = new Vector<float>(columns, t * stride + j0);
                for (int q = 0; q < queries; q++)
                {
                    var diff = candidates - new Vector<float>(data[(i0 + q) * d + t]);
                    sums[q] += diff * diff;
                }
            }
            for (int q = 0; q < queries; q++)
            {
                var heap = heaps[q];
                // Once the heap is full, most vectors hold nothing below its worst distance and change nothing.
                if (heap.Full && Vector.GreaterThanOrEqualAll(sums[q], new Vector<float>(heap.Worst))) continue;
                for (int lane = 0; lane < width; lane++)
                {
                    int j = j0 + lane;
                    if (j < n && j != i0 + q) heap.Offer(sums[q][lane], j);
                }
            }
        }
    }

    // A max-heap on (distance, index) of at most Items.Length entries: the root is the worst of the kept neighbours.
    private sealed class Heap(int capacity)
    {
        public readonly (float D, int J)[] Items = new (float D, int J)[capacity];
        public int Size;

        public bool Full => Size == Items.Length;

        public float Worst => Items[0].D;

        // Keeps the candidate while there is room, then only when it is nearer than the worst kept one.
        public void Offer(float dist, int j)
        {
            if (!Full)
            {
                Items[Size++] = (dist, j);
                SiftUp(Items, Size - 1);
            }
            else if (dist < Items[0].D)
            {
                Items[0] = (dist, j);
                SiftDown(Items, Items.Length);
            }
        }
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
