using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Points stored column by column (every point's first value, then every point's second, …), so
/// that the squared distances from a few points to all others vectorise across the points. Each
/// distance is still summed over the dimensions in order, as a point-by-point loop would, so the
/// numbers do not depend on the vector width.
/// </summary>
public sealed class Points
{
    private readonly double[] _columns;

    /// <summary>Points held.</summary>
    public int Count { get; }

    /// <summary>Coordinates per point.</summary>
    public int Dimensions { get; }

    /// <summary>Points copied from the rows of <paramref name="rows"/> [n, d].</summary>
    public Points(double[,] rows)
    {
        Count = rows.GetLength(0);
        Dimensions = rows.GetLength(1);
        _columns = new double[Count * Dimensions];
        for (int i = 0; i < Count; i++)
            for (int k = 0; k < Dimensions; k++) _columns[k * Count + i] = rows[i, k];
    }

    /// <summary>A [n, …] tensor as double[n, d].</summary>
    public static double[,] From(Tensor x)
    {
        int n = x.Rows, d = x.RowSize;
        var points = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++) points[i, j] = row[j];
        }
        return points;
    }

    /// <summary>Points whose distances <see cref="SquaredDistances"/> computes together: each column value it loads serves this many.</summary>
    public const int Rows = 4;

    // The running sums of Rows points over this many others stay in L1 while each dimension's column goes past: a whole row
    // at 70,000 points is 560 KB, and the data (16.8 MB at 30 dimensions) stream once per Rows points instead of once per
    // point (measured 220 µs per row against 384 one row at a time, at 70,000 points of 30 dimensions).
    private const int Block = 512;

    /// <summary>
    /// distances[r·n + j] = ‖x_(first+r) − x_j‖² for every point j and r &lt; <paramref name="count"/> (1 to <see cref="Rows"/>);
    /// <paramref name="distances"/> holds <see cref="Rows"/> rows of n, and those from <paramref name="count"/> on repeat the last.
    /// </summary>
    public void SquaredDistances(int first, int count, Span<double> distances)
    {
        int n = Count;
        if (distances.Length != Rows * n) throw new ArgumentException($"need room for {Rows} × {n} distances, got {distances.Length}");
        if (count < 1 || count > Rows || first < 0 || first + count > n) throw new ArgumentOutOfRangeException(nameof(count), $"rows {first}..{first + count - 1} of {n}, at most {Rows}");
        distances.Clear();
        ref double a0 = ref MemoryMarshal.GetReference(distances);
        ref double a1 = ref Unsafe.Add(ref a0, n);
        ref double a2 = ref Unsafe.Add(ref a0, 2 * n);
        ref double a3 = ref Unsafe.Add(ref a0, 3 * n);
        int i0 = first, i1 = first + Math.Min(1, count - 1), i2 = first + Math.Min(2, count - 1), i3 = first + Math.Min(3, count - 1);
        for (int start = 0; start < n; start += Block)
        {
            nuint end = (nuint)Math.Min(n, start + Block);
            for (int k = 0; k < Dimensions; k++)
            {
                ref double column = ref _columns[k * n];
                double x0 = Unsafe.Add(ref column, i0), x1 = Unsafe.Add(ref column, i1), x2 = Unsafe.Add(ref column, i2), x3 = Unsafe.Add(ref column, i3);
                nuint j = (nuint)start;
                // Each distance is a sum over the dimensions in order, of (x_i − x_j)², vectors or not: no number depends on the width.
                if (Vector256.IsHardwareAccelerated)
                {
                    Vector256<double> v0 = Vector256.Create(x0), v1 = Vector256.Create(x1), v2 = Vector256.Create(x2), v3 = Vector256.Create(x3);
                    for (; j + 4 <= end; j += 4)
                    {
                        var c = Vector256.LoadUnsafe(ref column, j);
                        var d0 = v0 - c;
                        (Vector256.LoadUnsafe(ref a0, j) + d0 * d0).StoreUnsafe(ref a0, j);
                        var d1 = v1 - c;
                        (Vector256.LoadUnsafe(ref a1, j) + d1 * d1).StoreUnsafe(ref a1, j);
                        var d2 = v2 - c;
                        (Vector256.LoadUnsafe(ref a2, j) + d2 * d2).StoreUnsafe(ref a2, j);
                        var d3 = v3 - c;
                        (Vector256.LoadUnsafe(ref a3, j) + d3 * d3).StoreUnsafe(ref a3, j);
                    }
                }
                for (; j < end; j++)
                {
                    double c = Unsafe.Add(ref column, j);
                    double d0 = x0 - c, d1 = x1 - c, d2 = x2 - c, d3 = x3 - c;
                    Unsafe.Add(ref a0, j) += d0 * d0;
                    Unsafe.Add(ref a1, j) += d1 * d1;
                    Unsafe.Add(ref a2, j) += d2 * d2;
                    Unsafe.Add(ref a3, j) += d3 * d3;
                }
            }
        }
    }

    /// <summary>The k points nearest to point i (not i itself) by its row of <see cref="SquaredDistances"/>; ties to the smaller index, nearest first.</summary>
    public static int[] Nearest(ReadOnlySpan<double> distances, int i, int k)
    {
        var best = new int[k];
        int size = 0;
        for (int j = 0; j < distances.Length; j++)
        {
            if (j == i) continue;
            double d = distances[j];
            // Insertion into the sorted k best; j ascends, so an equal distance stays behind.
            if (size == k && !(d < distances[best[k - 1]])) continue;
            int at = size < k ? size++ : k - 1;
            while (at > 0 && d < distances[best[at - 1]])
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = j;
        }
        return best;
    }
}
