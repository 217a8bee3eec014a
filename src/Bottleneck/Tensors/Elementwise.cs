using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Tensors;

/// <summary>
/// An element-wise operation on two inputs (a value and its gradient, a prediction and its target), written
/// once for each vector width and once for a single value, with the same arithmetic in all three, so any
/// length on any CPU gives the same result per element. A one-input operation ignores <c>b</c>.
/// </summary>
internal interface IElementwiseOp
{
    Vector512<float> Apply(Vector512<float> a, Vector512<float> b);
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    float Apply(float a, float b);
}

/// <summary>
/// Element-wise kernels that <see cref="TensorPrimitives"/> does not offer as one pass: <see cref="Map"/> and
/// <see cref="Sum"/> run any <see cref="IElementwiseOp"/> (an activation's derivative, a loss and its gradient) over
/// Vector512, then Vector256, then a scalar tail; the rest are sums and broadcasts over rows and channels.
/// </summary>
internal static class Elementwise
{
    /// <summary>y[i] = op(a[i], b[i]).</summary>
    public static void Map<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, TOp op) where TOp : struct, IElementwiseOp
    {
        Check(a.Length, b.Length, y.Length);
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float py = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)a.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                op.Apply(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i)).StoreUnsafe(ref py, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                op.Apply(Vector256.LoadUnsafe(ref pa, i), Vector256.LoadUnsafe(ref pb, i)).StoreUnsafe(ref py, i);
        for (; i < n; i++)
            Unsafe.Add(ref py, i) = op.Apply(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i));
    }

    /// <summary>
    /// Σ op(a[i], b[i]). Each SIMD lane accumulates its own float partial sum; the lanes are added in double at
    /// the end, then the scalar tail, so the order of additions (and the result) is fixed for a given length and CPU.
    /// </summary>
    public static double Sum<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, TOp op) where TOp : struct, IElementwiseOp
    {
        Check(a.Length, b.Length);
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        nuint i = 0, n = (nuint)a.Length;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc += op.Apply(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i));
            for (int lane = 0; lane < 16; lane++) sum += acc[lane];
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += op.Apply(Vector256.LoadUnsafe(ref pa, i), Vector256.LoadUnsafe(ref pb, i));
            for (int lane = 0; lane < 8; lane++) sum += acc[lane];
        }
        for (; i < n; i++) sum += op.Apply(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i));
        return sum;
    }

    /// <summary>Adds <paramref name="bias"/> to every row of <paramref name="matrix"/> [rows, bias.Length].</summary>
    public static void AddRowVector(Span<float> matrix, ReadOnlySpan<float> bias)
    {
        int width = bias.Length;
        for (int r = 0; r + width <= matrix.Length; r += width)
        {
            var row = matrix.Slice(r, width);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>sums += Σ over rows of <paramref name="matrix"/>; rows are added in order, so the result is deterministic.</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> matrix, Span<float> sums)
    {
        int width = sums.Length;
        for (int r = 0; r + width <= matrix.Length; r += width)
            TensorPrimitives.Add(sums, matrix.Slice(r, width), sums);
    }

    private static void Check(int a, int b)
    {
        if (a != b) throw new ArgumentException($"span lengths differ: {a} and {b}");
    }

    private static void Check(int a, int b, int c)
    {
        if (a != b || a != c) throw new ArgumentException($"span lengths differ: {a}, {b} and {c}");
    }
}
