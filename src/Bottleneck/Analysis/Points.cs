using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Points stored column by column (every point's first value, then every point's second, …), so
/// that the squared distances from one point to all others vectorise across the points. Each
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

    /// <summary>distances[j] = ‖x_i − x_j‖² for every point j (0 for j = i).</summary>
    public void SquaredDistances(int i, Span<double> distances)
    {
        int n = Count;
        if (distances.Length != n) throw new ArgumentException($"need room for {n} distances, got {distances.Length}");
        distances.Clear();
        ref double acc = ref MemoryMarshal.GetReference(distances);
        for (int k = 0; k < Dimensions; k++)
        {
            ref double column = ref _columns[k * n];
            double xi = _columns[k * n + i];
            nuint j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var v = Vector256.Create(xi);
                for (; j + 4 <= (nuint)n; j += 4)
                {
                    var d = v - Vector256.LoadUnsafe(ref column, j);
                    (Vector256.LoadUnsafe(ref acc, j) + d * d).StoreUnsafe(ref acc, j);
                }
            }
            for (; j < (nuint)n; j++)
            {
                double d = xi - Unsafe.Add(ref column, j);
                Unsafe.Add(ref acc, j) += d * d;
            }
        }
    }

    /// <summary>The k points nearest to point i (not i itself) by a row of <see cref="SquaredDistances"/>; ties to the smaller index, nearest first.</summary>
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
