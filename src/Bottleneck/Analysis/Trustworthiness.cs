using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Trustworthiness of a low-dimensional map (Venna &amp; Kaski), as scikit-learn's
/// <c>sklearn.manifold.trustworthiness</c>: T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} (r(i, j) − k),
/// where U_i(k) are i's k nearest neighbours in the map and r(i, j) is j's rank among i's
/// neighbours in the original space (1 = nearest); only ranks beyond k count. 1 means every
/// map neighbour is a true neighbour. Euclidean distances; ties go to the smaller index.
/// </summary>
public static class Trustworthiness
{
    /// <summary>k when none is given (scikit-learn's default).</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>Trustworthiness (Venna and Kaski, as scikit-learn's) of <paramref name="embedded"/> as a map of the rows of <paramref name="x"/>, with <paramref name="k"/> neighbours.</summary>
    public static double Compute(Tensor x, double[,] embedded, int k = DefaultNeighbours, int threads = 1) =>
        Compute(Points.From(x), embedded, k, threads);

    /// <summary>Trustworthiness of <paramref name="embedded"/> as a map of <paramref name="x"/>, with <paramref name="k"/> neighbours on <paramref name="threads"/> threads: 1 when every map neighbour is a neighbour in the original space.</summary>
    public static double Compute(double[,] x, double[,] embedded, int k = DefaultNeighbours, int threads = 1)
    {
        int n = x.GetLength(0);
        if (embedded.GetLength(0) != n) throw new ArgumentException($"the map has {embedded.GetLength(0)} points, the data {n}");
        if (k < 1 || k >= n / 2.0) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{(n - 1) / 2} (below n / 2) for {n} points, got {k}");
        Points data = new(x), map = new(embedded);
        var partial = new double[Chunks.Into(n).Count];
        using var pool = new WorkerPool(threads);
        pool.For(Chunks.Into(n), (chunk, start, end) =>
        {
            var mapRows = new double[Points.Rows * n];
            var dataRows = new double[Points.Rows * n];
            double sum = 0;
            for (int i0 = start; i0 < end; i0 += Points.Rows)
            {
                int count = Math.Min(Points.Rows, end - i0);
                map.SquaredDistances(i0, count, mapRows);
                data.SquaredDistances(i0, count, dataRows);
                for (int q = 0; q < count; q++)
                {
                    int i = i0 + q;
                    var mapNeighbours = Points.Nearest(mapRows.AsSpan(q * n, n), i, k);
                    var original = dataRows.AsSpan(q * n, n);
                    original[i] = double.PositiveInfinity;
                    foreach (int j in mapNeighbours)
                    {
                        // r(i, j) = 1 + the number of points before j in i's original-space order: closer, or as close with a
                        // smaller index (i itself, at +∞, is never before j).
                        double dj = original[j];
                        int rank = 1 + Count(original[..j], dj, orEqual: true) + Count(original[(j + 1)..], dj, orEqual: false);
                        if (rank > k) sum += rank - k;
                    }
                }
            }
            partial[chunk] = sum;
        });
        double total = 0;
        foreach (double s in partial) total += s;
        return 1 - total * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)));
    }

    // How many of values lie below limit (or at it, with orEqual): a count, so vector width changes no number.
    private static int Count(ReadOnlySpan<double> values, double limit, bool orEqual)
    {
        int count = 0, m = 0;
        ref double start = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated)
        {
            var l = Vector512.Create(limit);
            for (; m + 8 <= values.Length; m += 8)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)m);
                count += BitOperations.PopCount((orEqual ? Vector512.LessThanOrEqual(v, l) : Vector512.LessThan(v, l)).ExtractMostSignificantBits());
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var l = Vector256.Create(limit);
            for (; m + 4 <= values.Length; m += 4)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)m);
                count += BitOperations.PopCount((orEqual ? Vector256.LessThanOrEqual(v, l) : Vector256.LessThan(v, l)).ExtractMostSignificantBits());
            }
        }
        for (; m < values.Length; m++)
            if (orEqual ? values[m] <= limit : values[m] < limit) count++;
        return count;
    }
}
