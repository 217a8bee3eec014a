using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Brute-force k nearest neighbours by squared Euclidean distance, excluding the point itself;
/// ties go to the smaller index. O(n²·d), split over rows (the result does not depend on threads).
/// Candidates are screened with single-precision SIMD distances, keeping a few more than k; the
/// kept ones are then measured again in double precision and the k nearest of those returned, so
/// the result is that of an all-double search unless rounding moves a point across several ranks.
/// The screen runs <see cref="Queries"/> points at a time against a vector of candidates read from
/// a blocked copy of the points (16 candidates' values dimension by dimension), so each candidate
/// value loaded serves four distances and a whole vector of them is compared with the worst kept
/// distances at once (at 70,000 points of 20 dimensions the pairwise search was 23 s of a 59 s
/// t-SNE, one pair at a time).
/// </summary>
internal static class NearestNeighbours
{
    /// <summary>Extra candidates kept by the single-precision screen.</summary>
    private const int Slack = 8;

    /// <summary>Points screened together against each vector of candidates.</summary>
    private const int Queries = 4;

    /// <summary>Neighbours [n·k] (nearest first) and their squared distances [n·k].</summary>
    public static (int[] Indices, double[] SquaredDistances) Find(Tensor x, int k, WorkerPool pool) =>
        Find(x, k, pool, Vector512.IsHardwareAccelerated);

    /// <summary>As <see cref="Find(Tensor, int, WorkerPool)"/>, with 512-bit vectors or with <see cref="Vector{T}"/>'s (for tests: the same answer).</summary>
    internal static (int[] Indices, double[] SquaredDistances) Find(Tensor x, int k, WorkerPool pool, bool wide)
    {
        int n = x.Rows, d = x.RowSize;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{n - 1}, got {k}");
        int m = Math.Min(n - 1, k + Slack);
        var data = x.Data;
        var blocks = Blocked(x);
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
                if (wide) Screen512(data, blocks, n, d, i0, queries, heaps);
                else ScreenAnyWidth(data, blocks, n, d, i0, queries, heaps);
                for (int q = 0; q < queries; q++)
                {
                    int i = i0 + q;
                    var heap = heaps[q];
                    var xi = new ReadOnlySpan<float>(data, i * d, d);
                    for (int c = 0; c < heap.Size; c++)
                    {
                        int j = Heap.Index(heap.Keys[c]);
                        exact[c] = (Affinities.SquaredDistance(xi, new ReadOnlySpan<float>(data, j * d, d)), j);
                    }
                    Array.Sort(exact, 0, heap.Size, Nearer);
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

    /// <summary>Candidates per block of <see cref="Blocked"/>: a whole number of vectors of either width.</summary>
    private const int Block = 16;

    // The points in blocks of 16, each block's values dimension by dimension [n/16, d, 16]: value t of point j at
    // (j / 16)·16d + 16t + j % 16 (zeros after n). A walk over candidates then reads memory in order; the plain
    // transposed copy [d, n] made 20 interleaved streams 4n bytes apart, and the walk waited on them.
    private static float[] Blocked(Tensor x)
    {
        int n = x.Rows, d = x.RowSize;
        var blocks = new float[(n + Block - 1) / Block * Block * d];
        for (int j = 0; j < n; j++)
        {
            var row = x.Row(j);
            int start = j / Block * Block * d + j % Block;
            for (int t = 0; t < d; t++) blocks[start + t * Block] = row[t];
        }
        return blocks;
    }

    // Screen512 and ScreenAnyWidth each fill heaps[q] with the m single-precision nearest of points i0 + q (q < queries),
    // walking every candidate once in index order: a vector of distances per query, Σ_t (x_jt − x_it)² over t in order, so
    // a lane's sum is the same at either width, and once a heap is full only the lanes below its worst kept distance can
    // enter it (candidates come in ascending index, so a tie never displaces a kept one). The four queries' sums stay in
    // registers through the walk over dimensions; a query past `queries` repeats the last one and is not offered. On this
    // machine's AVX-512 the 512-bit walk takes 1.15 s at 20,000 points on one thread, Vector<float>'s (256 bits) 2.0 s.
    private static void Screen512(float[] data, float[] blocks, int n, int d, int i0, int queries, Heap[] heaps)
    {
        int width = Vector512<float>.Count;
        var (a, b, c, e) = QueryRows(i0, queries, d);
        // Each query's bar: its heap's worst distance once full; a query past `queries` never passes it. While a heap fills,
        // every lane goes to it (a distance that overflowed to infinity too).
        bool filling = true;
        var bar0 = Bar(heaps[0]);
        var bar1 = queries > 1 ? Bar(heaps[1]) : Vector512<float>.Zero;
        var bar2 = queries > 2 ? Bar(heaps[2]) : Vector512<float>.Zero;
        var bar3 = queries > 3 ? Bar(heaps[3]) : Vector512<float>.Zero;
        ref float start = ref MemoryMarshal.GetArrayDataReference(blocks);
        ref float q0 = ref data[a], q1 = ref data[b], q2 = ref data[c], q3 = ref data[e];
        for (int j0 = 0; j0 < n; j0 += width)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            ref float block = ref Unsafe.Add(ref start, j0 / Block * Block * d + j0 % Block);
            for (int t = 0; t < d; t++)
            {
                var candidates = Vector512.LoadUnsafe(ref block, (nuint)(t * Block));
                var d0 = candidates - Vector512.Create(Unsafe.Add(ref q0, t));
                var d1 = candidates - Vector512.Create(Unsafe.Add(ref q1, t));
                var d2 = candidates - Vector512.Create(Unsafe.Add(ref q2, t));
                var d3 = candidates - Vector512.Create(Unsafe.Add(ref q3, t));
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            var below = Vector512.LessThan(s0, bar0) | Vector512.LessThan(s1, bar1) | Vector512.LessThan(s2, bar2) | Vector512.LessThan(s3, bar3);
            if (below == Vector512<float>.Zero && !filling) continue;
            bar0 = Offer(heaps[0], s0, bar0, j0, i0, n);
            if (queries > 1) bar1 = Offer(heaps[1], s1, bar1, j0, i0 + 1, n);
            if (queries > 2) bar2 = Offer(heaps[2], s2, bar2, j0, i0 + 2, n);
            if (queries > 3) bar3 = Offer(heaps[3], s3, bar3, j0, i0 + 3, n);
            if (filling) filling = !AllFull(heaps, queries);
        }
    }

    private static bool AllFull(Heap[] heaps, int queries)
    {
        for (int q = 0; q < queries; q++)
            if (!heaps[q].Full) return false;
        return true;
    }

    private static Vector512<float> Bar(Heap heap) => Vector512.Create(heap.Full ? heap.Worst : float.PositiveInfinity);

    private static void ScreenAnyWidth(float[] data, float[] blocks, int n, int d, int i0, int queries, Heap[] heaps)
    {
        int width = Vector<float>.Count;
        var (a, b, c, e) = QueryRows(i0, queries, d);
        for (int j0 = 0; j0 < n; j0 += width)
        {
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int t = 0, at = j0 / Block * Block * d + j0 % Block; t < d; t++, at += Block)
            {
                var candidates = new Vector<float>(blocks, at);
                var d0 = candidates - new Vector<float>(data[a + t]);
                var d1 = candidates - new Vector<float>(data[b + t]);
                var d2 = candidates - new Vector<float>(data[c + t]);
                var d3 = candidates - new Vector<float>(data[e + t]);
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            Offer(heaps[0], s0, j0, i0, n);
            if (queries > 1) Offer(heaps[1], s1, j0, i0 + 1, n);
            if (queries > 2) Offer(heaps[2], s2, j0, i0 + 2, n);
            if (queries > 3) Offer(heaps[3], s3, j0, i0 + 3, n);
        }
    }

    // Where each of the four queries' coordinates start; past `queries` the last query repeats.
    private static (int, int, int, int) QueryRows(int i0, int queries, int d) =>
        (i0 * d, (i0 + Math.Min(1, queries - 1)) * d, (i0 + Math.Min(2, queries - 1)) * d, (i0 + Math.Min(3, queries - 1)) * d);

    // Once the heap is full only lanes below the bar can enter (ascending j, so a tie never displaces a kept one), and the
    // heap itself turns away those the lanes before made too far; returns the new bar.
    private static Vector512<float> Offer(Heap heap, Vector512<float> distances, Vector512<float> bar, int j0, int i, int n)
    {
        ulong lanes = heap.Full ? Vector512.LessThan(distances, bar).ExtractMostSignificantBits() : 0xFFFF;
        for (; lanes != 0; lanes &= lanes - 1)
        {
            int lane = BitOperations.TrailingZeroCount(lanes), j = j0 + lane;
            if (j < n && j != i) heap.Offer(distances.GetElement(lane), j);
        }
        return Bar(heap);
    }

    private static void Offer(Heap heap, Vector<float> distances, int j0, int i, int n)
    {
        if (heap.Full && Vector.GreaterThanOrEqualAll(distances, new Vector<float>(heap.Worst))) return;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            int j = j0 + lane;
            if (j < n && j != i) heap.Offer(distances[lane], j);
        }
    }

    // A max-heap of at most Keys.Length (distance, index) pairs, each one ulong key: a non-negative float's bits order as
    // the float does, so (bits << 32 | index) orders by distance, then index, in one compare. The root is the worst kept.
    private sealed class Heap(int capacity)
    {
        public readonly ulong[] Keys = new ulong[capacity];
        public int Size;

        public bool Full => Size == Keys.Length;

        public float Worst => BitConverter.UInt32BitsToSingle((uint)(Keys[0] >> 32));

        public static int Index(ulong key) => (int)(uint)key;

        // Keeps the candidate while there is room, then only when it is nearer than the worst kept one.
        public void Offer(float dist, int j)
        {
            ulong key = (ulong)BitConverter.SingleToUInt32Bits(dist) << 32 | (uint)j;
            if (!Full)
            {
                Keys[Size++] = key;
                SiftUp(Keys, Size - 1);
            }
            else if (key < Keys[0])
            {
                Keys[0] = key;
                SiftDown(Keys, Keys.Length);
            }
        }
    }

    // By distance, then index.
    private static readonly Comparer<(double D, int J)> Nearer =
        Comparer<(double D, int J)>.Create((a, b) => a.D < b.D || (a.D == b.D && a.J < b.J) ? -1 : b.D < a.D || (a.D == b.D && b.J < a.J) ? 1 : 0);

    private static void SiftUp(ulong[] heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (heap[parent] >= heap[i]) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown(ulong[] heap, int size)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, top = i;
            if (l < size && heap[top] < heap[l]) top = l;
            if (r < size && heap[top] < heap[r]) top = r;
            if (top == i) return;
            (heap[top], heap[i]) = (heap[i], heap[top]);
            i = top;
        }
    }
}
