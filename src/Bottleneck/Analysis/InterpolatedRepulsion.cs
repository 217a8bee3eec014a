using Bottleneck.Tensors;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Bottleneck.Analysis;

/// <summary>
/// FIt-SNE's interpolated repulsion (Linderman et al. 2019, "Fast interpolation-based t-SNE for improved visualization
/// of single-cell RNA-seq data"): the map's square bounding box is cut into B × B boxes with 3 × 3 equispaced nodes
/// each (at 1/6, 1/2 and 5/6 of a box), every point spreads four charges (1, x, y, x² + y²) onto the 9 nodes of its
/// box by Lagrange interpolation, the charges are convolved with the squared kernel w² = 1 / (1 + ‖d‖²)² between
/// nodes by FFT (<see cref="GridFft"/>, the node grid padded to a power of two M ≥ 2·3B − 1 so the circular
/// convolution is the wanted one), and the four potentials φ are interpolated back at every point. Then
/// Σ_j w_ij²·(y_i − y_j) = y_i·φ₀ − (φ₁, φ₂) and Σ_j w_ij = Σ_j w_ij²·(1 + ‖y_i − y_j‖²) = (1 + ‖y_i‖²)·φ₀ − 2 y_i·(φ₁, φ₂) + φ₃,
/// less 1 for j = i. O(n + M² log M) per iteration. There are at least <see cref="MinBoxes"/> boxes per side and one
/// per unit of the map's extent, as in FIt-SNE; the padded side then allows more, and all of them are used, since
/// more boxes cost nothing but accuracy gained. Coordinates are taken from the box's centre, so that x² + y² stays small.
/// Spreading goes by rows of boxes (the rows of nodes they touch are their own) and each row's points in index
/// order, and every other step is element-wise or per point, so the result does not depend on the threads.
/// </summary>
internal sealed class InterpolatedRepulsion(int n, WorkerPool pool) : Repulsion
{
    /// <summary>The fewest boxes per side of the map.</summary>
    public const int MinBoxes = 50;
    /// <summary>
    /// The largest grid side M: 2,048 gives 341 boxes per side and 7 planes of 32 MB (charges, kernel, scratch). A map
    /// wider than 341 units gets wider boxes, and less accuracy, rather than more memory.
    /// </summary>
    public const int MaxSide = 2048;
    private const int NodesPerBox = 3;

    private readonly int[] _boxX = new int[n], _boxY = new int[n], _byRow = new int[n];
    private readonly double[] _wx = new double[NodesPerBox * n], _wy = new double[NodesPerBox * n];
    private GridFft? _fft;
    private double[] _kernel = [], _offset2 = [];
    private double[] _aRe = [], _aIm = [], _bRe = [], _bIm = [];
    private int[] _rowStart = [], _cursor = [];

    /// <summary>The grid side M of the last <see cref="Compute"/>.</summary>
    public int Side => _fft?.Size ?? 0;

    /// <summary>The grid side M for a map whose bounding box is <paramref name="extent"/> wide: the least power of two that holds 2·3B − 1 nodes for B = max(50, ⌈extent⌉) boxes, at most <see cref="MaxSide"/>.</summary>
    public static int SideFor(double extent)
    {
        double boxes = Math.Max(MinBoxes, Math.Ceiling(extent));
        int side = 8;
        while (side < MaxSide && side < 2 * NodesPerBox * boxes - 1) side *= 2;
        return side;
    }

    public override void Compute(double[] y, double[] sumQ, double[] negative)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]);
            maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]);
            maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        double extent = Math.Max(maxX - minX, maxY - minY);
        // Only a learning rate far too large for the data gets here; the grid could not be sized, so say so plainly.
        if (!double.IsFinite(extent)) throw new ArgumentException("t-SNE diverged: the map is no longer finite (is the learning rate too large?)");
        if (extent == 0) extent = 1;
        int m = SideFor(extent), boxes = (m + 1) / (2 * NodesPerBox), nodes = NodesPerBox * boxes;
        Reserve(m, boxes);
        double width = extent / boxes, midX = minX + extent / 2, midY = minY + extent / 2;

        Locate(y, minX, minY, width, boxes);
        Kernel(m, width / NodesPerBox);
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        Spread(y, midX, midY, m, nodes);
        long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var fft = _fft!;
        Convolve(fft, _aRe, _aIm, nodes);
        Convolve(fft, _bRe, _bIm, nodes);
        long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        Gather(y, midX, midY, m, sumQ, negative);
        if (Profile is { } profile)
        {
            profile.Fft += System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1).TotalSeconds + System.Diagnostics.Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
            profile.Repulsive += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
    }

    private void Reserve(int m, int boxes)
    {
        if (_fft?.Size != m)
        {
            _fft = new GridFft(m, pool);
            _kernel = new double[m * m];
            _aRe = new double[m * m];
            _aIm = new double[m * m];
            _bRe = new double[m * m];
            _bIm = new double[m * m];
        }
        if (_rowStart.Length != boxes + 1)
        {
            _rowStart = new int[boxes + 1];
            _cursor = new int[boxes];
        }
    }

    // Each point's box and its three Lagrange weights per axis; the points sorted by box row (stably, so in index order within a row).
    private void Locate(double[] y, double minX, double minY, double width, int boxes)
    {
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                _boxX[i] = Weights((y[2 * i] - minX) / width, boxes, _wx.AsSpan(NodesPerBox * i, NodesPerBox));
                _boxY[i] = Weights((y[2 * i + 1] - minY) / width, boxes, _wy.AsSpan(NodesPerBox * i, NodesPerBox));
            }
        });
        Array.Clear(_rowStart);
        for (int i = 0; i < n; i++) _rowStart[_boxY[i] + 1]++;
        for (int b = 0; b < boxes; b++) _rowStart[b + 1] += _rowStart[b];
        Array.Copy(_rowStart, _cursor, boxes);
        for (int i = 0; i < n; i++) _byRow[_cursor[_boxY[i]]++] = i;
    }

    // The box of a coordinate u (in box widths from the bounding box's edge) and the Lagrange weights of the nodes at
    // 1/6, 1/2, 5/6 of it: ℓ_k(t) = Π_{l≠k} (t − t_l) / (t_k − t_l), whose denominators are 2/9, −1/9 and 2/9.
    private static int Weights(double u, int boxes, Span<double> weights)
    {
        int box = Math.Clamp((int)u, 0, boxes - 1);
        double t = u - box, a = t - 1.0 / 6, b = t - 0.5, c = t - 5.0 / 6;
        weights[0] = b * c * 4.5;
        weights[1] = a * c * -9;
        weights[2] = a * b * 4.5;
        return box;
    }

    // The spectrum of w² = 1 / (1 + δ²(dr² + dc²))² between nodes δ apart, at circular offsets (index i stands for
    // i − M above M/2), times 1/M² so that the inverse transform needs no scaling. The kernel is real and even, so its
    // spectrum is real and the imaginary plane is dropped; row M − r is row r, so only the first half is computed.
    private void Kernel(int m, double delta)
    {
        var fft = _fft!;
        var scale = Vector256.Create(1.0 / ((double)m * m));
        var delta2 = Vector256.Create(delta * delta);
        if (_offset2.Length != m)
        {
            _offset2 = new double[m];
            for (int c = 0; c < m; c++) _offset2[c] = c <= m / 2 ? (double)c * c : (double)(m - c) * (m - c);
        }
        pool.For(Chunks.Into(m / 2 + 1), (_, start, end) =>
        {
            ref double offset2 = ref _offset2[0];
            ref double kernel = ref _aRe[0];
            for (int r = start; r < end; r++)
            {
                var dr2 = Vector256.Create(_offset2[r]);
                for (nuint c = 0; c < (nuint)m; c += (nuint)Vector256<double>.Count)
                {
                    var w = Vector256<double>.One / (Vector256<double>.One + delta2 * (dr2 + Vector256.LoadUnsafe(ref offset2, c)));
                    (w * w * scale).StoreUnsafe(ref kernel, (nuint)(r * m) + c);
                }
                if (r > 0 && r < m / 2) _aRe.AsSpan(r * m, m).CopyTo(_aRe.AsSpan((m - r) * m, m));
            }
        });
        Array.Clear(_aIm);
        fft.Forward(_aRe, _aIm, m);
        Array.Copy(fft.SpectrumRe, _kernel, m * m);
    }

    // Charges onto the nodes: grid a holds (1, x) as (real, imaginary), grid b holds (y, x² + y²).
    private void Spread(double[] y, double midX, double midY, int m, int nodes)
    {
        for (int r = 0; r < nodes; r++)
        {
            _aRe.AsSpan(r * m, nodes).Clear();
            _aIm.AsSpan(r * m, nodes).Clear();
            _bRe.AsSpan(r * m, nodes).Clear();
            _bIm.AsSpan(r * m, nodes).Clear();
        }
        int boxes = _rowStart.Length - 1;
        pool.For(Chunks.Into(boxes), (_, start, end) =>
        {
            for (int e = _rowStart[start]; e < _rowStart[end]; e++)
            {
                int i = _byRow[e];
                double x = y[2 * i] - midX, v = y[2 * i + 1] - midY, r2 = x * x + v * v;
                int row0 = NodesPerBox * _boxY[i], col0 = NodesPerBox * _boxX[i];
                for (int ky = 0; ky < NodesPerBox; ky++)
                {
                    int at = (row0 + ky) * m + col0;
                    double wy = _wy[NodesPerBox * i + ky];
                    for (int kx = 0; kx < NodesPerBox; kx++)
                    {
                        double w = wy * _wx[NodesPerBox * i + kx];
                        _aRe[at + kx] += w;
                        _aIm[at + kx] += w * x;
                        _bRe[at + kx] += w * v;
                        _bIm[at + kx] += w * r2;
                    }
                }
            }
        });
    }

    private void Convolve(GridFft fft, double[] re, double[] im, int nodes)
    {
        int m = fft.Size;
        fft.Forward(re, im, nodes);
        pool.For(Chunks.Into(m), (_, start, end) =>
        {
            var kernel = _kernel.AsSpan(start * m, (end - start) * m);
            var spectrumRe = fft.SpectrumRe.AsSpan(start * m, (end - start) * m);
            var spectrumIm = fft.SpectrumIm.AsSpan(start * m, (end - start) * m);
            TensorPrimitives.Multiply(spectrumRe, kernel, spectrumRe);
            TensorPrimitives.Multiply(spectrumIm, kernel, spectrumIm);
        });
        fft.Inverse(re, im, nodes);
    }

    // The potentials back at every point, and from them its two sums.
    private void Gather(double[] y, double midX, double midY, int m, double[] sumQ, double[] negative)
    {
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                int row0 = NodesPerBox * _boxY[i], col0 = NodesPerBox * _boxX[i];
                double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
                for (int ky = 0; ky < NodesPerBox; ky++)
                {
                    int at = (row0 + ky) * m + col0;
                    double wy = _wy[NodesPerBox * i + ky];
                    for (int kx = 0; kx < NodesPerBox; kx++)
                    {
                        double w = wy * _wx[NodesPerBox * i + kx];
                        p0 += w * _aRe[at + kx];
                        p1 += w * _aIm[at + kx];
                        p2 += w * _bRe[at + kx];
                        p3 += w * _bIm[at + kx];
                    }
                }
                double x = y[2 * i] - midX, v = y[2 * i + 1] - midY;
                sumQ[i] = (1 + x * x + v * v) * p0 - 2 * (x * p1 + v * p2) + p3 - 1;
                negative[2 * i] = x * p0 - p1;
                negative[2 * i + 1] = v * p0 - p2;
            }
        });
    }
}
