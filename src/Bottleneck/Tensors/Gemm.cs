using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bottleneck.Tensors;

/// <summary>Which microkernel <see cref="Gemm"/> uses; chosen once from the hardware.</summary>
internal enum SimdPath { Vector512, Vector256, Scalar }

/// <summary>
/// Single-precision matrix multiply of <see cref="Matrix"/> views: C = op(A)·op(B) (<see cref="Multiply"/>) or
/// C += op(A)·op(B) (<see cref="MultiplyAdd"/>), where op(M) is M or, for a view taken with <see cref="Matrix.T"/>,
/// its transpose. A view's stride selects a block of columns inside a wider matrix.
/// Dense layers need all three forms: y = x·Wᵀ, dx = dy·W, dW += dyᵀ·x.
///
/// The register-blocked microkernel reads, for each k, NR consecutive values of B. A row-major B
/// already holds them, ldb apart, so B is read in place; a transposed B is packed into panels of
/// NR columns, k-major, and so is a last panel narrower than NR (zero-padded). A is read in place
/// too: whether stored [M,K] or [K,M], its element (i, k) sits at a fixed row stride and k stride,
/// and broadcasting one element at a time needs no contiguity; only a last, partial panel of MR
/// rows is copied, zero-padded.
/// The k dimension is walked in KC blocks so a B micro-panel stays in L1.
/// Work is split over output tiles only, never over k, so every element of C is summed
/// in the same order whatever the thread count: results are bit-identical for 1 or N threads.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>
    /// The depth of one k block. A product no deeper sums each value of C in one chain of fused multiply-adds from zero,
    /// k ascending, which the convolution kernels that make their products in registers repeat to give the same bits.
    /// </summary>
    public const int KC = 256;
    private const int TileRows = 64;
    private const int TileCols = 128;
    // Below this many multiply-adds, waking worker threads costs more than it saves.
    private const long ParallelWork = 1L << 20;
    // A·Bᵀ with both operands row-major is a grid of row-by-row dot products: with a deep k
    // (weight gradients sum over a whole chunk of samples) reading rows directly beats packing
    // a transposed, zero-padded copy of B, above all when N is a handful of channels.
    private const int RowDotMinDepth = 128;

    public static SimdPath DefaultPath { get; } =
        Vector512.IsHardwareAccelerated ? SimdPath.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdPath.Vector256 : SimdPath.Scalar;

    /// <summary>Tests switch this to check every microkernel against a reference.</summary>
    public static SimdPath Path { get; set; } = DefaultPath;

    // Where a thread's calls pack B: grown as needed, kept for the thread's next call.
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>C = op(A)·op(B), with C [M, N], op(A) [M, K] and op(B) [K, N].</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, WorkerPool pool) => Run(a, b, c, accumulate: false, pool);

    /// <summary>C += op(A)·op(B), with C [M, N], op(A) [M, K] and op(B) [K, N].</summary>
    public static void MultiplyAdd(Matrix a, Matrix b, Matrix c, WorkerPool pool) => Run(a, b, c, accumulate: true, pool);

    private static void Run(Matrix a, Matrix b, Matrix c, bool accumulate, WorkerPool pool)
    {
        int m = a.OpRows, k = a.OpCols, n = b.OpCols;
        if (b.OpRows != k || c.Transposed || c.Rows != m || c.Cols != n)
            throw new ArgumentException($"GEMM shapes do not fit: [{m}x{k}]·[{b.OpRows}x{n}] into [{c.Rows}x{c.Cols}]{(c.Transposed ? " (transposed)" : "")}");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Data.Slice(i * c.Stride, n).Clear();
            return;
        }
        var workers = (long)m * n * k >= ParallelWork ? pool : WorkerPool.Serial;
        fixed (float* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            if (!a.Transposed && b.Transposed && k >= RowDotMinDepth && Path == SimdPath.Vector512)
            {
                workers.For((m + 7) / 8, new RowDotJob(pa, a.Stride, pb, b.Stride, pc, c.Stride, m, n, k, accumulate));
                return;
            }
            var plan = new Plan(pa, a.Transposed, a.Stride, pb, b.Transposed, b.Stride, pc, c.Stride, m, n, k, accumulate, Path);
            fixed (float* packed = plan.PackB)
            {
                workers.For(plan.PanelsToPack, new PackJob(plan, packed));
                workers.For(plan.TilesM * plan.TilesN, new TileJob(plan, packed));
            }
        }
    }

    // A·Bᵀ as row-by-row dot products: rows [8t, 8t+8) of C, three columns at a time.
    private readonly struct RowDotJob(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate) : IParallelJob
    {
        public void Run(int t)
        {
            int i = 8 * t, rows = Math.Min(8, m - i);
            for (int j = 0; j < n; j += 3)
                RowDots8x3(a + (long)i * lda, lda, rows, b + (long)j * ldb, ldb, Math.Min(3, n - j), k, c + (long)i * ldc + j, ldc, accumulate);
        }
    }

    // One product's operands, tiling and packed-B layout, as every tile and panel job of it reads them.
    private readonly struct Plan
    {
        public readonly float* A, B, C;
        public readonly bool TransB, Accumulate;
        public readonly int M, N, K, MR, NR, Ldb, Ldc, PanelsB, TilesM, TilesN, PanelsToPack;
        public readonly SimdPath Path;
        public readonly nint ARowStride, ADepthStride;
        public readonly float[] PackB;

        public Plan(float* a, bool transA, int lda, float* b, bool transB, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate, SimdPath path)
        {
            A = a;
            B = b;
            C = c;
            (TransB, M, N, K, Accumulate, Path, Ldb, Ldc) = (transB, m, n, k, accumulate, path, ldb, ldc);
            (MR, NR) = path switch { SimdPath.Vector512 => (8, 32), SimdPath.Vector256 => (4, 16), _ => (4, 4) };
            (ARowStride, ADepthStride) = transA ? (1, lda) : (lda, 1);
            PanelsB = (n + NR - 1) / NR;
            PanelsToPack = transB ? PanelsB : n % NR != 0 ? 1 : 0;
            TilesM = (m + TileRows - 1) / TileRows;
            TilesN = (n + TileCols - 1) / TileCols;
            int size = PanelsB * NR * k;
            var buffer = t_packB ?? [];
            if (buffer.Length < size) t_packB = buffer = GC.AllocateUninitializedArray<float>(Math.Max(size, buffer.Length * 2), pinned: true);
            PackB = buffer;
        }
    }

    // Panel p of B holds columns [p·NR, p·NR+NR) as [k][NR], zero-padded past N.
    // With B read in place, only the last (partial) panel is packed.
    private readonly struct PackJob(Plan plan, float* packed) : IParallelJob
    {
        public void Run(int index)
        {
            int nr = plan.NR, k = plan.K;
            int p = plan.TransB ? index : plan.PanelsB - 1;
            float* dst = packed + (long)p * nr * k;
            int j0 = p * nr, cols = Math.Min(nr, plan.N - j0);
            if (plan.TransB)
            {
                // B stored [N, K]: walk each source row contiguously and scatter into the panel.
                for (int jj = 0; jj < cols; jj++)
                {
                    float* src = plan.B + (long)(j0 + jj) * plan.Ldb;
                    for (int kk = 0; kk < k; kk++) dst[kk * nr + jj] = src[kk];
                }
                for (int kk = 0; kk < k; kk++)
                    for (int jj = cols; jj < nr; jj++) dst[kk * nr + jj] = 0f;
            }
            else
                for (int kk = 0; kk < k; kk++, dst += nr)
                {
                    new ReadOnlySpan<float>(plan.B + (long)kk * plan.Ldb + j0, cols).CopyTo(new Span<float>(dst, cols));
                    for (int jj = cols; jj < nr; jj++) dst[jj] = 0f;
                }
        }
    }

    // One TileRows × TileCols tile of C, k in KC blocks, MR × NR register tiles at a time.
    private readonly struct TileJob(Plan plan, float* packB) : IParallelJob
    {
        public void Run(int index)
        {
            int mr = plan.MR, nr = plan.NR, k = plan.K, ldc = plan.Ldc;
            int tm = index / plan.TilesN, tn = index % plan.TilesN;
            int i0 = tm * TileRows, i1 = Math.Min(plan.M, i0 + TileRows);
            int j0 = tn * TileCols, j1 = Math.Min(plan.N, j0 + TileCols);
            float* edge = stackalloc float[mr * nr];
            float* edgeA = stackalloc float[mr * Math.Min(KC, k)];
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                bool overwrite = k0 == 0 && !plan.Accumulate;
                for (int i = i0; i < i1; i += mr)
                {
                    int rows = Math.Min(mr, i1 - i);
                    float* pa = plan.A + i * plan.ARowStride + (nint)k0 * plan.ADepthStride;
                    nint rowStride = plan.ARowStride, depthStride = plan.ADepthStride;
                    if (rows < mr)
                    {
                        // Reading MR rows in place would run past A: copy the partial panel, zero-padded.
                        for (int kk = 0; kk < kc; kk++)
                            for (int r = 0; r < mr; r++)
                                edgeA[kk * mr + r] = r < rows ? pa[r * rowStride + kk * depthStride] : 0f;
                        pa = edgeA;
                        (rowStride, depthStride) = (1, mr);
                    }
                    for (int j = j0; j < j1; j += nr)
                    {
                        int cols = Math.Min(nr, j1 - j);
                        bool inPlace = !plan.TransB && j + nr <= plan.N;
                        float* pb = inPlace ? plan.B + (long)k0 * plan.Ldb + j : packB + ((long)(j / nr) * k + k0) * nr;
                        nint bStride = inPlace ? plan.Ldb : nr;
                        float* pc = plan.C + (long)i * ldc + j;
                        if (rows == mr && cols == nr)
                            Micro(plan.Path, pa, rowStride, depthStride, pb, bStride, kc, pc, ldc, overwrite);
                        else
                        {
                            Micro(plan.Path, pa, rowStride, depthStride, pb, bStride, kc, edge, nr, overwrite: true);
                            for (int r = 0; r < rows; r++)
                                for (int q = 0; q < cols; q++)
                                    pc[(long)r * ldc + q] = overwrite ? edge[r * nr + q] : pc[(long)r * ldc + q] + edge[r * nr + q];
                        }
                    }
                }
            }
        }
    }

    private static void Micro(SimdPath path, float* a, nint rs, nint ks, float* b, nint bs, int kc, float* c, int ldc, bool overwrite)
    {
        switch (path)
        {
            case SimdPath.Vector512: Micro8x32(a, rs, ks, b, bs, kc, c, ldc, overwrite); break;
            case SimdPath.Vector256: Micro4x16(a, rs, ks, b, bs, kc, c, ldc, overwrite); break;
            default: Micro4x4(a, rs, ks, b, bs, kc, c, ldc, overwrite); break;
        }
    }

    // 8 rows × 32 columns of C held in 16 zmm accumulators; per k: 2 loads, 8 broadcasts, 16 FMAs.
    // A's element (r, k) is a[r·rs + k·ks]; B's k-th row of the panel is b[k·bs .. k·bs + 31].
    private static void Micro8x32(float* a, nint rs, nint ks, float* b, nint bs, int kc, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
                         c20 = default, c21 = default, c30 = default, c31 = default,
                         c40 = default, c41 = default, c50 = default, c51 = default,
                         c60 = default, c61 = default, c70 = default, c71 = default;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs, a4 = a + 4 * rs, a5 = a + 5 * rs, a6 = a + 6 * rs, a7 = a + 7 * rs;
        for (int k = 0; k < kc; k++, b += bs)
        {
            nint o = k * ks;
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[o]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[o]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[o]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[o]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[o]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[o]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[o]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[o]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Store(c, c00, c01, overwrite); c += ldc;
        Store(c, c10, c11, overwrite); c += ldc;
        Store(c, c20, c21, overwrite); c += ldc;
        Store(c, c30, c31, overwrite); c += ldc;
        Store(c, c40, c41, overwrite); c += ldc;
        Store(c, c50, c51, overwrite); c += ldc;
        Store(c, c60, c61, overwrite); c += ldc;
        Store(c, c70, c71, overwrite);
    }

    private static void Store(float* c, Vector512<float> lo, Vector512<float> hi, bool overwrite)
    {
        if (!overwrite)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + 16);
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    // C[r, q] (+)= Σ_k A[r, k]·B[q, k] for up to 8×3 outputs. Each of the 24 accumulators holds 16 lanes of partial
    // sums over k; per 16 values of k: 11 loads, 24 FMAs. Eight rows of A against three of B, rather than four against
    // four, read B's rows (the columns, from L2) half as often per multiply-add while A's rows stay in L1 from one
    // tile to the next. Missing rows or columns (edges) repeat the last real one and are not stored. Lanes and the
    // scalar tail are added in a fixed order, so the result does not depend on the tile shape or on how tiles are
    // shared among threads.
    private static void RowDots8x3(float* a, int lda, int rows, float* b, int ldb, int cols, int k, float* c, int ldc, bool accumulate)
    {
        float* a0 = a, a1 = a + Math.Min(1, rows - 1) * lda, a2 = a + Math.Min(2, rows - 1) * lda, a3 = a + Math.Min(3, rows - 1) * lda,
               a4 = a + Math.Min(4, rows - 1) * lda, a5 = a + Math.Min(5, rows - 1) * lda, a6 = a + Math.Min(6, rows - 1) * lda, a7 = a + Math.Min(7, rows - 1) * lda;
        float* b0 = b, b1 = b + Math.Min(1, cols - 1) * ldb, b2 = b + Math.Min(2, cols - 1) * ldb;
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default,
                         c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default,
                         c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default,
                         c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        int kk = 0;
        for (; kk + 16 <= k; kk += 16)
        {
            var y0 = Vector512.Load(b0 + kk); var y1 = Vector512.Load(b1 + kk); var y2 = Vector512.Load(b2 + kk);
            var x = Vector512.Load(a0 + kk);
            c00 = Vector512.FusedMultiplyAdd(x, y0, c00); c01 = Vector512.FusedMultiplyAdd(x, y1, c01); c02 = Vector512.FusedMultiplyAdd(x, y2, c02);
            x = Vector512.Load(a1 + kk);
            c10 = Vector512.FusedMultiplyAdd(x, y0, c10); c11 = Vector512.FusedMultiplyAdd(x, y1, c11); c12 = Vector512.FusedMultiplyAdd(x, y2, c12);
            x = Vector512.Load(a2 + kk);
            c20 = Vector512.FusedMultiplyAdd(x, y0, c20); c21 = Vector512.FusedMultiplyAdd(x, y1, c21); c22 = Vector512.FusedMultiplyAdd(x, y2, c22);
            x = Vector512.Load(a3 + kk);
            c30 = Vector512.FusedMultiplyAdd(x, y0, c30); c31 = Vector512.FusedMultiplyAdd(x, y1, c31); c32 = Vector512.FusedMultiplyAdd(x, y2, c32);
            x = Vector512.Load(a4 + kk);
            c40 = Vector512.FusedMultiplyAdd(x, y0, c40); c41 = Vector512.FusedMultiplyAdd(x, y1, c41); c42 = Vector512.FusedMultiplyAdd(x, y2, c42);
            x = Vector512.Load(a5 + kk);
            c50 = Vector512.FusedMultiplyAdd(x, y0, c50); c51 = Vector512.FusedMultiplyAdd(x, y1, c51); c52 = Vector512.FusedMultiplyAdd(x, y2, c52);
            x = Vector512.Load(a6 + kk);
            c60 = Vector512.FusedMultiplyAdd(x, y0, c60); c61 = Vector512.FusedMultiplyAdd(x, y1, c61); c62 = Vector512.FusedMultiplyAdd(x, y2, c62);
            x = Vector512.Load(a7 + kk);
            c70 = Vector512.FusedMultiplyAdd(x, y0, c70); c71 = Vector512.FusedMultiplyAdd(x, y1, c71); c72 = Vector512.FusedMultiplyAdd(x, y2, c72);
        }
        // sums[3r + q] is output (r, q): the first sixteen in one four-level tree, the last eight in another.
        float* sums = stackalloc float[32];
        var (even, odd) = (Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31));
        PairSums(Tree8(c00, c01, c02, c10, c11, c12, c20, c21, even, odd), Tree8(c22, c30, c31, c32, c40, c41, c42, c50, even, odd), even, odd).Store(sums);
        var last = Tree8(c51, c52, c60, c61, c62, c70, c71, c72, even, odd);
        PairSums(last, last, even, odd).Store(sums + 16);
        if (kk < k) AddTails(a, lda, rows, b, ldb, cols, kk, k, sums);
        for (int r = 0; r < rows; r++, c += ldc)
            for (int q = 0; q < cols; q++) c[q] = accumulate ? c[q] + sums[r * 3 + q] : sums[r * 3 + q];
    }

    // sums[3r + q] += Σ A[r, t]·B[q, t] for t in [from, k): what is left of a depth that is not a multiple of 16.
    private static void AddTails(float* a, int lda, int rows, float* b, int ldb, int cols, int from, int k, float* sums)
    {
        for (int r = 0; r < rows; r++)
            for (int q = 0; q < cols; q++)
            {
                float sum = sums[r * 3 + q];
                for (int t = from; t < k; t++) sum = MathF.FusedMultiplyAdd(a[(long)r * lda + t], b[(long)q * ldb + t], sum);
                sums[r * 3 + q] = sum;
            }
    }

    // Lane i < 8 of the result is x[2i] + x[2i + 1] (even and odd pick those lanes), lane 8 + i is y[2i] + y[2i + 1]. Four levels of it sum sixteen
    // vectors at once, lane j of the last level being Σ of the j-th vector, and in the tree Vector512.Sum adds one vector's
    // lanes by (neighbours, then pairs of pairs, and so on), so each sum has the same bits as Sum's: 45 instructions in place
    // of sixteen Sums' 400, which were most of a tile's work at the lab model's depth of 144.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairSums(Vector512<float> x, Vector512<float> y, Vector512<int> even, Vector512<int> odd) =>
        Avx512F.PermuteVar16x32x2(x, even, y) + Avx512F.PermuteVar16x32x2(x, odd, y);

    // Three levels of PairSums over eight vectors: lanes 2j and 2j + 1 hold the sums of vector j's lanes 0–7 and 8–15, which
    // one more level adds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tree8(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3,
                                          Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7,
                                          Vector512<int> even, Vector512<int> odd) =>
        PairSums(PairSums(PairSums(v0, v1, even, odd), PairSums(v2, v3, even, odd), even, odd),
                 PairSums(PairSums(v4, v5, even, odd), PairSums(v6, v7, even, odd), even, odd), even, odd);

    // 4 rows × 16 columns in 8 ymm accumulators, for machines without AVX-512.
    private static void Micro4x16(float* a, nint rs, nint ks, float* b, nint bs, int kc, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
                         c20 = default, c21 = default, c30 = default, c31 = default;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int k = 0; k < kc; k++, b += bs)
        {
            nint o = k * ks;
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a0[o]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[o]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[o]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[o]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        Store(c, c00, c01, overwrite); c += ldc;
        Store(c, c10, c11, overwrite); c += ldc;
        Store(c, c20, c21, overwrite); c += ldc;
        Store(c, c30, c31, overwrite);
    }

    private static void Store(float* c, Vector256<float> lo, Vector256<float> hi, bool overwrite)
    {
        if (!overwrite)
        {
            lo += Vector256.Load(c);
            hi += Vector256.Load(c + 8);
        }
        lo.Store(c);
        hi.Store(c + 8);
    }

    private static void Micro4x4(float* a, nint rs, nint ks, float* b, nint bs, int kc, float* c, int ldc, bool overwrite)
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int k = 0; k < kc; k++, b += bs)
            for (int r = 0; r < 4; r++)
                for (int q = 0; q < 4; q++)
                    acc[r * 4 + q] = MathF.FusedMultiplyAdd(a[r * rs + k * ks], b[q], acc[r * 4 + q]);
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 4; q++)
                c[(long)r * ldc + q] = overwrite ? acc[r * 4 + q] : c[(long)r * ldc + q] + acc[r * 4 + q];
    }
}
