using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

// Gemm.Path is global; these tests must not run beside others that multiply.
[Collection(nameof(GemmPathCollection))]
public class GemmTests
{
    // The path goes by name: SimdPath is internal, and a theory's parameters must be public types.
    public static TheoryData<string, bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<string, bool, bool, int, int, int>();
        var paths = new[] { SimdPath.Vector512, SimdPath.Vector256, SimdPath.Scalar }.Where(Supported);
        // Shapes straddle the 8×32 / 4×16 / 4×4 register tiles, the 64×128 thread tiles and the 256-deep k blocks.
        var shapes = new[] { (1, 1, 1), (3, 5, 7), (8, 32, 64), (17, 33, 65), (256, 32, 64), (64, 130, 300), (70, 9, 513) };
        foreach (var path in paths)
            foreach (var (m, n, k) in shapes)
                foreach (var ta in new[] { false, true })
                    foreach (var tb in new[] { false, true })
                        data.Add(path.ToString(), ta, tb, m, n, k);
        return data;
    }

    private static bool Supported(SimdPath p) => p switch
    {
        SimdPath.Vector512 => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        SimdPath.Vector256 => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
        _ => true,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_kernel_and_transpose_matches_a_double_precision_reference(string pathName, bool transA, bool transB, int m, int n, int k)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        var rng = new RandomState(7);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var c = Random(rng, m * n);
        var expectedOverwrite = Reference(a, transA, b, transB, m, n, k, null);
        var expectedAccumulate = Reference(a, transA, b, transB, m, n, k, c);

        var previous = Gemm.Path;
        try
        {
            Gemm.Path = path;
            var overwrite = Random(rng, m * n);
            Gemm.Multiply(Op(a, transA, m, k), Op(b, transB, k, n), Op(overwrite, false, m, n), WorkerPool.Serial);
            Close.Check(overwrite, expectedOverwrite, 1e-5, 1e-5 * k, $"{path} C");

            var accumulate = (float[])c.Clone();
            Gemm.MultiplyAdd(Op(a, transA, m, k), Op(b, transB, k, n), Op(accumulate, false, m, n), WorkerPool.Serial);
            Close.Check(accumulate, expectedAccumulate, 1e-5, 1e-5 * k, $"{path} C + AB");
        }
        finally
        {
            Gemm.Path = previous;
        }
    }

    [Fact]
    public void Results_are_bit_identical_for_one_and_two_threads()
    {
        var rng = new RandomState(3);
        int m = 300, n = 260, k = 700;
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var serial = new float[m * n];
        var parallel = new float[m * n];
        using var pool = new WorkerPool(2);
        Gemm.Multiply(Op(a, false, m, k), Op(b, true, k, n), Op(serial, false, m, n), WorkerPool.Serial);
        Gemm.Multiply(Op(a, false, m, k), Op(b, true, k, n), Op(parallel, false, m, n), pool);
        parallel.Should().Equal(serial);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Leading_dimensions_select_a_block_inside_a_wider_matrix(bool transA, bool transB)
    {
        var rng = new RandomState(5);
        int m = 19, n = 37, k = 41, pad = 7;
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var expected = Reference(a, transA, b, transB, m, n, k, null);

        // Each operand sits, offset by 3, inside a matrix `pad` columns wider than it needs.
        var (aRows, aCols) = transA ? (k, m) : (m, k);
        var (bRows, bCols) = transB ? (n, k) : (k, n);
        var wideA = Embed(a, aRows, aCols, aCols + pad);
        var wideB = Embed(b, bRows, bCols, bCols + pad);
        var wideC = new float[3 + m * (n + pad)];
        Array.Fill(wideC, 99f);
        Gemm.Multiply(Op(wideA.AsSpan(3), transA, m, k, aCols + pad), Op(wideB.AsSpan(3), transB, k, n, bCols + pad),
                      Op(wideC.AsSpan(3), false, m, n, n + pad), WorkerPool.Serial);

        var c = new float[m * n];
        for (int i = 0; i < m; i++) wideC.AsSpan(3 + i * (n + pad), n).CopyTo(c.AsSpan(i * n));
        Close.Check(c, expected, 1e-5, 1e-4, "C");
        wideC[3 + n].Should().Be(99f, "the padding between rows of C is left alone");
    }

    // The weight-gradient shapes of the lab model's convolutions: deep k, few rows and columns, blocks of wider matrices.
    [Theory]
    [InlineData(9, 8, 3136)]
    [InlineData(72, 16, 784)]
    [InlineData(5, 7, 130)]
    [InlineData(144, 32, 144)]
    public void Deep_products_with_a_transposed_operand_match_the_reference_on_any_thread_count(int m, int n, int k)
    {
        var rng = new RandomState(8);
        int lda = k + 5, ldb = k + 3;
        var a = Random(rng, m * lda);
        var b = Random(rng, n * ldb);
        var denseA = new float[m * k];
        var denseB = new float[n * k];
        for (int i = 0; i < m; i++) a.AsSpan(i * lda, k).CopyTo(denseA.AsSpan(i * k));
        for (int j = 0; j < n; j++) b.AsSpan(j * ldb, k).CopyTo(denseB.AsSpan(j * k));
        var expected = Reference(denseA, false, denseB, true, m, n, k, null);

        var serial = new float[m * n];
        var parallel = new float[m * n];
        using var pool = new WorkerPool(2);
        Gemm.Multiply(Op(a, false, m, k, lda), Op(b, true, k, n, ldb), Op(serial, false, m, n), WorkerPool.Serial);
        Gemm.Multiply(Op(a, false, m, k, lda), Op(b, true, k, n, ldb), Op(parallel, false, m, n), pool);
        Close.Check(serial, expected, 1e-5, 1e-5 * Math.Sqrt(k), "C");
        parallel.Should().Equal(serial);
    }

    // A·Bᵀ with a deep k is made of dot products whose 16 lanes each sum every 16th product by fused multiply-adds, the
    // lanes then added as Vector512.Sum adds them, and the tail one by one. The row-dot kernel adds sixteen dots' lanes at
    // once by permutes; this holds it to that order, bit for bit, on edges that repeat a row or a column too.
    [Avx512Theory]
    [InlineData(32, 144, 144)]
    [InlineData(7, 5, 150)]
    [InlineData(16, 72, 784)]
    [InlineData(9, 10, 130)]
    [InlineData(8, 9, 3136)]
    public void Deep_products_with_a_transposed_operand_sum_each_dot_as_sixteen_lanes_then_Vector512_Sum(int m, int n, int k)
    {
        var rng = new RandomState(9);
        var a = Random(rng, m * k);
        var b = Random(rng, n * k);
        var c = new float[m * n];
        Gemm.Multiply(new Matrix(a, m, k), new Matrix(b, n, k).T, new Matrix(c, m, n), WorkerPool.Serial);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                var lanes = new float[16];
                int t = 0;
                for (; t + 16 <= k; t += 16)
                    for (int l = 0; l < 16; l++) lanes[l] = MathF.FusedMultiplyAdd(a[i * k + t + l], b[j * k + t + l], lanes[l]);
                float sum = System.Runtime.Intrinsics.Vector512.Sum(System.Runtime.Intrinsics.Vector512.Create(lanes));
                for (; t < k; t++) sum = MathF.FusedMultiplyAdd(a[i * k + t], b[j * k + t], sum);
                BitConverter.SingleToInt32Bits(c[i * n + j]).Should().Be(BitConverter.SingleToInt32Bits(sum), $"C[{i}, {j}]");
            }
    }

    // op(X) of [rows, cols]: X stored so, or (transposed) stored [cols, rows]; rows of storage ld apart.
    private static Matrix Op(Span<float> data, bool transposed, int rows, int cols, int ld = 0) =>
        transposed ? new Matrix(data, cols, rows, ld).T : new Matrix(data, rows, cols, ld);

    private static float[] Embed(float[] dense, int rows, int cols, int ld)
    {
        var wide = new float[3 + rows * ld];
        for (int r = 0; r < rows; r++) dense.AsSpan(r * cols, cols).CopyTo(wide.AsSpan(3 + r * ld));
        return wide;
    }

    [Fact]
    public void Operands_too_small_for_the_shape_are_rejected()
    {
        Action tooSmall = () => _ = new Matrix(new float[5], 2, 3);
        tooSmall.Should().Throw<ArgumentException>();
        Action misfit = () => Gemm.Multiply(new Matrix(new float[6], 2, 3), new Matrix(new float[6], 2, 3), new Matrix(new float[6], 2, 3), WorkerPool.Serial);
        misfit.Should().Throw<ArgumentException>("[2x3]·[2x3] does not multiply");
    }

    private static float[] Random(RandomState rng, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)rng.Uniform(-1, 1);
        return v;
    }

    private static float[] Reference(float[] a, bool ta, float[] b, bool tb, int m, int n, int k, float[]? c)
    {
        var result = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = c is null ? 0 : c[i * n + j];
                for (int p = 0; p < k; p++)
                    sum += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                result[i * n + j] = (float)sum;
            }
        return result;
    }
}

[CollectionDefinition(nameof(GemmPathCollection), DisableParallelization = true)]
public class GemmPathCollection;
