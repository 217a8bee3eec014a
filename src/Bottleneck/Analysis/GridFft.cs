using Bottleneck.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Analysis;

/// <summary>
/// Radix-2 fast Fourier transforms of square complex grids [M, M], M a power of two, each stored as a real and an
/// imaginary plane in row-major order, for the circular convolutions of <see cref="InterpolatedRepulsion"/>.
/// The forward transform is decimation in frequency (natural order in, bit-reversed out) and the inverse decimation
/// in time with conjugate twiddles (bit-reversed in, natural out), so a convolution never reorders: both operands go
/// forward into the same bit-reversed layout, are multiplied there, and the product comes back in natural order.
/// A 1-D pass transforms along the first index for a band of columns, whose values sit side by side in SIMD lanes:
/// every butterfly is the same element-wise arithmetic on every lane, with no fused multiply-add, so the bits do not
/// depend on the CPU, and bands go to threads whole, so they do not depend on the thread count either. A band of
/// 16 columns, copied into a packed buffer, keeps a 2048-row pass in the L2 cache for all its stages; between the two
/// dimensions the grid is transposed. Convolving data that fills only the first N ≤ M/2 rows and columns, and keeping only those of the
/// result, lets the passes skip what is known to be zero or thrown away (pruning): the first forward stage of each
/// dimension only spreads, the last inverse stage keeps the lower half, and the first dimension's passes cover only
/// N columns. This is written here rather than taken from a library because no FFT on this feed prunes, batches
/// columns in SIMD lanes, and promises the same bits on every thread count. Not thread-safe: one per caller.
/// </summary>
internal sealed class GridFft
{
    private const int Band = 16;
    private const int Lanes = 4;

    private readonly double[] _cos, _sin;   // W_M^k = cos(2πk/M) − i·sin(2πk/M), k < M/2
    private readonly double[] _scratchRe, _scratchIm;
    private readonly WorkerPool _pool;

    public GridFft(int size, WorkerPool pool)
    {
        if (size < 2 * Lanes || (size & (size - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(size), $"a grid's side is a power of two of at least {2 * Lanes}, not {size}");
        Size = size;
        _pool = pool;
        _cos = new double[size / 2];
        _sin = new double[size / 2];
        for (int k = 0; k < size / 2; k++)
        {
            double angle = 2 * Math.PI * k / size;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }
        _scratchRe = new double[size * size];
        _scratchIm = new double[size * size];
    }

    /// <summary>M, the grid's side.</summary>
    public int Size { get; }

    /// <summary>
    /// The 2-D DFT of the grid (re, im) [M, M] whose values outside the first <paramref name="filled"/> rows and
    /// columns are zero (they are not read; <paramref name="filled"/> = M for a full grid). The result, in bit-reversed
    /// order along both dimensions and transposed, is left in <see cref="SpectrumRe"/> and <see cref="SpectrumIm"/>,
    /// the scratch planes; the input planes are overwritten.
    /// </summary>
    public void Forward(double[] re, double[] im, int filled)
    {
        int m = Size;
        bool spread = filled <= m / 2;
        Pass(re, im, filled, filled, m, forward: true, spread, keepLower: false, _scratchRe, _scratchIm);
        Pass(_scratchRe, _scratchIm, m, filled, m, forward: true, spread, keepLower: false, null, null);
    }

    /// <summary>The scratch planes holding the last <see cref="Forward"/>'s spectrum (and the input of <see cref="Inverse"/>).</summary>
    public double[] SpectrumRe => _scratchRe;

    /// <inheritdoc cref="SpectrumRe"/>
    public double[] SpectrumIm => _scratchIm;

    /// <summary>
    /// M² times the inverse 2-D DFT of the spectrum in <see cref="SpectrumRe"/> / <see cref="SpectrumIm"/> (laid out as
    /// <see cref="Forward"/> leaves it), written to the first <paramref name="kept"/> rows and columns of (re, im);
    /// the rest of (re, im) and the spectrum are overwritten with intermediate values.
    /// </summary>
    public void Inverse(double[] re, double[] im, int kept)
    {
        int m = Size;
        bool keepLower = kept <= m / 2;
        Pass(_scratchRe, _scratchIm, m, m, kept, forward: false, spread: false, keepLower, re, im);
        Pass(re, im, kept, m, kept, forward: false, spread: false, keepLower, null, null);
    }

    // The 1-D transform along the first index of columns [0, columns), band by band. A band is copied into a packed
    // buffer first, row r's Band real parts then its Band imaginary parts: rows of the grid lie M·8 bytes apart, a
    // power of two, and would all fall into the same few cache sets. Rows from `rowsIn` on are read as zero, and the
    // first `rowsOut` rows are written back: in place, or transposed into (outRe, outIm) (column c becomes row c there,
    // written in order), which saves the 2-D transform a separate transposition's trip through memory.
    private void Pass(double[] re, double[] im, int columns, int rowsIn, int rowsOut, bool forward, bool spread, bool keepLower,
        double[]? outRe, double[]? outIm)
    {
        int m = Size, bands = (columns + Band - 1) / Band;
        int read = spread ? Math.Min(rowsIn, m / 2) : rowsIn, written = Math.Min(rowsOut, keepLower ? m / 2 : m);
        _pool.For(bands, b =>
        {
            int c0 = b * Band, width = Math.Min(Band, columns - c0);
            var band = t_band is { } buffer && buffer.Length == 2 * Band * m ? buffer : t_band = new double[2 * Band * m];
            band.AsSpan(0, 2 * Band * (spread ? m / 2 : m)).Clear();
            for (int r = 0; r < read; r++)
            {
                re.AsSpan(r * m + c0, width).CopyTo(band.AsSpan(2 * Band * r, width));
                im.AsSpan(r * m + c0, width).CopyTo(band.AsSpan(2 * Band * r + Band, width));
            }
            if (forward) Dif(band, spread);
            else Dit(band, keepLower);
            if (outRe is null || outIm is null)
                for (int r = 0; r < written; r++)
                {
                    band.AsSpan(2 * Band * r, width).CopyTo(re.AsSpan(r * m + c0, width));
                    band.AsSpan(2 * Band * r + Band, width).CopyTo(im.AsSpan(r * m + c0, width));
                }
            else
                for (int lane = 0; lane < width; lane++)
                {
                    int to = (c0 + lane) * m;
                    for (int r = 0; r < written; r++)
                    {
                        outRe[to + r] = band[2 * Band * r + lane];
                        outIm[to + r] = band[2 * Band * r + Band + lane];
                    }
                }
        });
    }

    [ThreadStatic] private static double[]? t_band;

    // Decimation in frequency, stages of span M/2, M/4, …, 1: a' = a + b, b' = (a − b)·W_{2h}^j. With `spread` the
    // lower half of the input is zero, so the first stage is a' = a, b' = a·W_{2h}^j. Stages go two at a time (each
    // group of four rows read and written once for both), which halves the passes over the band and changes no bit.
    private void Dif(double[] band, bool spread)
    {
        int m = Size;
        ref double b0 = ref band[0];
        int h = m / 2;
        for (; h >= 2; h /= 4)
        {
            int step = m / (2 * h), q = h / 2;
            bool first = h == m / 2;
            for (int g = 0; g < m; g += 2 * h)
                for (int j = 0; j < q; j++)
                    Dif4(ref b0, Row(g + j), Row(g + j + q), Row(g + j + h), Row(g + j + h + q),
                        Twiddle(j * step), Twiddle((j + q) * step), Twiddle(2 * j * step), first && spread, j == 0);
        }
        if (h == 1)
            for (int g = 0; g < m; g += 2) Difference(ref b0, Row(g), Row(g + 1));
    }

    // Decimation in time with conjugate twiddles, stages of span 1, 2, …, M/2: b' = b·conj(W_{2h}^j), a' = a + b',
    // b'' = a − b'; two stages at a time, as in Dif. With `keepLower` the last stage's upper half (rows ≥ M/2) is not
    // wanted and not computed.
    private void Dit(double[] band, bool keepLower)
    {
        int m = Size, stages = System.Numerics.BitOperations.Log2((uint)m);
        ref double b0 = ref band[0];
        int h = 1;
        if (stages % 2 == 1)
        {
            for (int g = 0; g < m; g += 2) DitButterfly(ref b0, Row(g), Row(g + 1), Twiddle(0), lowerOnly: false);
            h = 2;
        }
        for (; h < m / 2; h *= 4)
        {
            int step = m / (2 * h);
            bool last = 2 * h == m / 2;
            for (int g = 0; g < m; g += 4 * h)
                for (int j = 0; j < h; j++)
                    Dit4(ref b0, Row(g + j), Row(g + j + h), Row(g + j + 2 * h), Row(g + j + 3 * h),
                        Twiddle(j * step), Twiddle(j * step / 2), Twiddle((j + h) * step / 2), last && keepLower);
        }
    }

    private static nuint Row(int row) => (nuint)(2 * Band * row);

    private (Vector256<double> C, Vector256<double> S) Twiddle(int k) => (Vector256.Create(_cos[k]), Vector256.Create(_sin[k]));

    // (r + i·i)·(c − i·s): a forward twiddle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Re, Vector256<double> Im) Times(Vector256<double> r, Vector256<double> i, (Vector256<double> C, Vector256<double> S) w) =>
        (r * w.C + i * w.S, i * w.C - r * w.S);

    // (r + i·i)·(c + i·s): an inverse (conjugate) twiddle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Re, Vector256<double> Im) TimesConjugate(Vector256<double> r, Vector256<double> i, (Vector256<double> C, Vector256<double> S) w) =>
        (r * w.C - i * w.S, r * w.S + i * w.C);

    // Two DIF stages on rows p0..p3 = g + j + (0, q, 2q, 3q): span 2q with twiddles w1 (p0, p2) and w2 (p1, p3), then
    // span q with w3 on (p0, p1) and (p2, p3). `unit`: j = 0, whose twiddles w1 and w3 are 1 and are not multiplied by.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dif4(ref double band, nuint p0, nuint p1, nuint p2, nuint p3,
        (Vector256<double>, Vector256<double>) w1, (Vector256<double>, Vector256<double>) w2, (Vector256<double>, Vector256<double>) w3, bool spread, bool unit)
    {
        for (nuint v = 0; v < Band; v += Lanes)
        {
            var x0r = Vector256.LoadUnsafe(ref band, p0 + v);
            var x0i = Vector256.LoadUnsafe(ref band, p0 + Band + v);
            var x1r = Vector256.LoadUnsafe(ref band, p1 + v);
            var x1i = Vector256.LoadUnsafe(ref band, p1 + Band + v);
            Vector256<double> y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i;
            if (spread)
            {
                (y0r, y0i, y1r, y1i) = (x0r, x0i, x1r, x1i);
                (y2r, y2i) = Times(x0r, x0i, w1);
                (y3r, y3i) = Times(x1r, x1i, w2);
            }
            else
            {
                var x2r = Vector256.LoadUnsafe(ref band, p2 + v);
                var x2i = Vector256.LoadUnsafe(ref band, p2 + Band + v);
                var x3r = Vector256.LoadUnsafe(ref band, p3 + v);
                var x3i = Vector256.LoadUnsafe(ref band, p3 + Band + v);
                (y0r, y0i, y1r, y1i) = (x0r + x2r, x0i + x2i, x1r + x3r, x1i + x3i);
                (y2r, y2i) = unit ? (x0r - x2r, x0i - x2i) : Times(x0r - x2r, x0i - x2i, w1);
                (y3r, y3i) = Times(x1r - x3r, x1i - x3i, w2);
            }
            (y0r + y1r).StoreUnsafe(ref band, p0 + v);
            (y0i + y1i).StoreUnsafe(ref band, p0 + Band + v);
            var (z1r, z1i) = unit ? (y0r - y1r, y0i - y1i) : Times(y0r - y1r, y0i - y1i, w3);
            z1r.StoreUnsafe(ref band, p1 + v);
            z1i.StoreUnsafe(ref band, p1 + Band + v);
            (y2r + y3r).StoreUnsafe(ref band, p2 + v);
            (y2i + y3i).StoreUnsafe(ref band, p2 + Band + v);
            var (z3r, z3i) = unit ? (y2r - y3r, y2i - y3i) : Times(y2r - y3r, y2i - y3i, w3);
            z3r.StoreUnsafe(ref band, p3 + v);
            z3i.StoreUnsafe(ref band, p3 + Band + v);
        }
    }

    // Two DIT stages on rows p0..p3 = g + j + (0, h, 2h, 3h): span h with twiddle w1 on (p0, p1) and (p2, p3), then
    // span 2h with w2 on (p0, p2) and w3 on (p1, p3). `lowerOnly`: the second stage is the last, and p2, p3 are not wanted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dit4(ref double band, nuint p0, nuint p1, nuint p2, nuint p3,
        (Vector256<double>, Vector256<double>) w1, (Vector256<double>, Vector256<double>) w2, (Vector256<double>, Vector256<double>) w3, bool lowerOnly)
    {
        for (nuint v = 0; v < Band; v += Lanes)
        {
            var x0r = Vector256.LoadUnsafe(ref band, p0 + v);
            var x0i = Vector256.LoadUnsafe(ref band, p0 + Band + v);
            var (t1r, t1i) = TimesConjugate(Vector256.LoadUnsafe(ref band, p1 + v), Vector256.LoadUnsafe(ref band, p1 + Band + v), w1);
            var x2r = Vector256.LoadUnsafe(ref band, p2 + v);
            var x2i = Vector256.LoadUnsafe(ref band, p2 + Band + v);
            var (t3r, t3i) = TimesConjugate(Vector256.LoadUnsafe(ref band, p3 + v), Vector256.LoadUnsafe(ref band, p3 + Band + v), w1);
            Vector256<double> y0r = x0r + t1r, y0i = x0i + t1i, y1r = x0r - t1r, y1i = x0i - t1i;
            Vector256<double> y2r = x2r + t3r, y2i = x2i + t3i, y3r = x2r - t3r, y3i = x2i - t3i;
            var (u2r, u2i) = TimesConjugate(y2r, y2i, w2);
            var (u3r, u3i) = TimesConjugate(y3r, y3i, w3);
            (y0r + u2r).StoreUnsafe(ref band, p0 + v);
            (y0i + u2i).StoreUnsafe(ref band, p0 + Band + v);
            (y1r + u3r).StoreUnsafe(ref band, p1 + v);
            (y1i + u3i).StoreUnsafe(ref band, p1 + Band + v);
            if (lowerOnly) continue;
            (y0r - u2r).StoreUnsafe(ref band, p2 + v);
            (y0i - u2i).StoreUnsafe(ref band, p2 + Band + v);
            (y1r - u3r).StoreUnsafe(ref band, p3 + v);
            (y1i - u3i).StoreUnsafe(ref band, p3 + Band + v);
        }
    }

    // The last DIF stage (span 1), whose twiddle is 1: (a − b)·1 is a − b to the bit, so nothing is lost by not multiplying.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Difference(ref double band, nuint a, nuint b)
    {
        for (nuint v = 0; v < Band; v += Lanes)
        {
            var ar = Vector256.LoadUnsafe(ref band, a + v);
            var ai = Vector256.LoadUnsafe(ref band, a + Band + v);
            var br = Vector256.LoadUnsafe(ref band, b + v);
            var bi = Vector256.LoadUnsafe(ref band, b + Band + v);
            (ar + br).StoreUnsafe(ref band, a + v);
            (ai + bi).StoreUnsafe(ref band, a + Band + v);
            (ar - br).StoreUnsafe(ref band, b + v);
            (ai - bi).StoreUnsafe(ref band, b + Band + v);
        }
    }

    // The first DIT stage (span 1) when the stages are odd in number.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DitButterfly(ref double band, nuint a, nuint b, (Vector256<double>, Vector256<double>) w, bool lowerOnly)
    {
        for (nuint v = 0; v < Band; v += Lanes)
        {
            var (tr, ti) = TimesConjugate(Vector256.LoadUnsafe(ref band, b + v), Vector256.LoadUnsafe(ref band, b + Band + v), w);
            var ar = Vector256.LoadUnsafe(ref band, a + v);
            var ai = Vector256.LoadUnsafe(ref band, a + Band + v);
            (ar + tr).StoreUnsafe(ref band, a + v);
            (ai + ti).StoreUnsafe(ref band, a + Band + v);
            if (lowerOnly) continue;
            (ar - tr).StoreUnsafe(ref band, b + v);
            (ai - ti).StoreUnsafe(ref band, b + Band + v);
        }
    }
}
