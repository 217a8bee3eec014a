using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bottleneck.Analysis;

/// <summary>
/// The attractive half of the t-SNE gradient for one point: Σ_j s·p_ij·w_ij·(y_i − y_j) over the
/// point's row of P, with w_ij = 1 / (1 + ‖y_i − y_j‖²) and s the exaggeration. With AVX the
/// neighbours are taken four at a time. Four lanes each sum every fourth entry and
/// are added in order, on the vector path and the scalar one alike, so the bits do not depend on the CPU.
/// </summary>
public static unsafe class Attraction
{
    private const int Lanes = 4;

    /// <summary>The lane that sums entries 4k + r: the vector path's unpack puts entry r in lane (0, 2, 1, 3)[r].</summary>
    private static ReadOnlySpan<int> LaneOf => [0, 2, 1, 3];

    /// <param name="y">The map [2n]: point j at (y[2j], y[2j + 1]).</param>
    /// <param name="i">The point whose force is summed.</param>
    /// <param name="columns">Row i's neighbours in P (its CSR column indices).</param>
    /// <param name="values">Row i's P values, in the same order.</param>
    /// <param name="scale">The factor every term is multiplied by (the early exaggeration).</param>
    public static (double Fx, double Fy) Row(ReadOnlySpan<double> y, int i, ReadOnlySpan<int> columns, ReadOnlySpan<double> values, double scale)
    {
        double xi = y[2 * i], yi = y[2 * i + 1];
        Span<double> lanes = stackalloc double[2 * Lanes];
        int e = 0, count = columns.Length;
        if (Avx2.IsSupported && count >= Lanes)
        {
            Vector256<double> vx = Vector256.Create(xi), vy = Vector256.Create(yi), s = Vector256.Create(scale), one = Vector256<double>.One;
            Vector256<double> fx = default, fy = default;
            fixed (double* map = y)
            fixed (int* column = columns)
            fixed (double* value = values)
            {
                for (; e + Lanes <= count; e += Lanes)
                {
                    // (x, y) pairs of neighbours 0–3 → xs in lanes (0, 2, 1, 3), ys likewise; p is permuted to match.
                    var pairs01 = Vector256.Create(Vector128.Load(map + 2 * column[e]), Vector128.Load(map + 2 * column[e + 1]));
                    var pairs23 = Vector256.Create(Vector128.Load(map + 2 * column[e + 2]), Vector128.Load(map + 2 * column[e + 3]));
                    var dx = vx - Avx.UnpackLow(pairs01, pairs23);
                    var dy = vy - Avx.UnpackHigh(pairs01, pairs23);
                    var p = Avx2.Permute4x64(Vector256.Load(value + e), 0b11_01_10_00);
                    var pw = p * s / (one + (dx * dx + dy * dy));
                    fx += pw * dx;
                    fy += pw * dy;
                }
            }
            fx.CopyTo(lanes);
            fy.CopyTo(lanes[Lanes..]);
        }
        else lanes.Clear();
        for (; e < count; e++)
        {
            int j = columns[e], lane = LaneOf[e % Lanes];
            double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
            double pw = values[e] * scale / (1 + (dx * dx + dy * dy));
            lanes[lane] += pw * dx;
            lanes[Lanes + lane] += pw * dy;
        }
        double gx = 0, gy = 0;
        for (int lane = 0; lane < Lanes; lane++)
        {
            gx += lanes[lane];
            gy += lanes[Lanes + lane];
        }
        return (gx, gy);
    }
}
