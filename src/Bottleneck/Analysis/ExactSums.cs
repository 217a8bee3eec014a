using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Analysis;

/// <summary>
/// What exact t-SNE needs of one point i, in one pass over every point j of the map:
/// Σ_j w_ij, Σ_j p_ij·w_ij·(y_i − y_j) and Σ_j w_ij²·(y_i − y_j), with w_ij = 1 / (1 + ‖y_i − y_j‖²).
/// j = i is included: it adds exactly 1 to Σ w and 0 to the force sums, so the caller subtracts 1.
/// Eight lanes each sum every eighth j and are added in order, on the vector path and the scalar
/// one alike, so the bits do not depend on the CPU.
/// </summary>
internal static class ExactSums
{
    private const int Lanes = 8;

    /// <param name="xs">The map's x coordinates [n].</param>
    /// <param name="ys">The map's y coordinates [n].</param>
    /// <param name="p">Row i of P [n].</param>
    /// <param name="i">The point whose row is summed.</param>
    public static (double SumW, double Ax, double Ay, double Bx, double By) Row(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, ReadOnlySpan<double> p, int i)
    {
        int n = xs.Length;
        if (ys.Length != n || p.Length != n) throw new ArgumentException($"coordinates and P's row must have one entry per point ({n}), got {ys.Length} and {p.Length}");
        double xi = xs[i], yi = ys[i];
        Span<double> lanes = stackalloc double[5 * Lanes];
        int j = 0;
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            ref double x = ref MemoryMarshal.GetReference(xs);
            ref double y = ref MemoryMarshal.GetReference(ys);
            ref double pr = ref MemoryMarshal.GetReference(p);
            Vector256<double> vx = Vector256.Create(xi), vy = Vector256.Create(yi);
            var low = default(Sums);
            var high = default(Sums);
            for (; j + Lanes <= n; j += Lanes)
            {
                low.Add(vx, vy, ref x, ref y, ref pr, (nuint)j);
                high.Add(vx, vy, ref x, ref y, ref pr, (nuint)(j + Lanes / 2));
            }
            low.CopyTo(lanes, 0);
            high.CopyTo(lanes, Lanes / 2);
        }
        else lanes.Clear();
        for (; j < n; j++)
        {
            int lane = j % Lanes;
            double dx = xi - xs[j], dy = yi - ys[j];
            double w = 1 / (1 + (dx * dx + dy * dy));
            double pw = p[j] * w, w2 = w * w;
            lanes[lane] += w;
            lanes[Lanes + lane] += pw * dx;
            lanes[2 * Lanes + lane] += pw * dy;
            lanes[3 * Lanes + lane] += w2 * dx;
            lanes[4 * Lanes + lane] += w2 * dy;
        }
        Span<double> total = stackalloc double[5];
        for (int s = 0; s < 5; s++)
            for (int lane = 0; lane < Lanes; lane++) total[s] += lanes[s * Lanes + lane];
        return (total[0], total[1], total[2], total[3], total[4]);
    }

    /// <summary>Four lanes of the five sums.</summary>
    private struct Sums
    {
        private Vector256<double> _w, _ax, _ay, _bx, _by;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector256<double> vx, Vector256<double> vy, ref double x, ref double y, ref double p, nuint j)
        {
            var dx = vx - Vector256.LoadUnsafe(ref x, j);
            var dy = vy - Vector256.LoadUnsafe(ref y, j);
            var w = Vector256<double>.One / (Vector256<double>.One + (dx * dx + dy * dy));
            var pw = Vector256.LoadUnsafe(ref p, j) * w;
            var w2 = w * w;
            _w += w;
            _ax += pw * dx;
            _ay += pw * dy;
            _bx += w2 * dx;
            _by += w2 * dy;
        }

        public readonly void CopyTo(Span<double> lanes, int offset)
        {
            _w.CopyTo(lanes[offset..]);
            _ax.CopyTo(lanes[(Lanes + offset)..]);
            _ay.CopyTo(lanes[(2 * Lanes + offset)..]);
            _bx.CopyTo(lanes[(3 * Lanes + offset)..]);
            _by.CopyTo(lanes[(4 * Lanes + offset)..]);
        }
    }
}
