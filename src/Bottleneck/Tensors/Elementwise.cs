using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Tensors;

/// <summary>
/// Element-wise kernels that <see cref="TensorPrimitives"/> does not offer as one pass
/// (activation derivatives, broadcasts over rows). Each walks Vector512, then Vector256,
/// then a scalar tail, so any length and any CPU gives the same per-element arithmetic.
/// </summary>
public static class Elementwise
{
    /// <summary>dx = dy where x &gt; 0, else 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        LeakyReluBackward(x, dy, 0f, dx);

    /// <summary>y = x where x &gt; 0, else slope·x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        Check(x.Length, y.Length);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(slope);
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref px, i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * s).StoreUnsafe(ref py, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(slope);
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref px, i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref py, i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref px, i);
            Unsafe.Add(ref py, i) = v > 0f ? v : v * slope;
        }
    }

    /// <summary>dx = dy where x &gt; 0, else slope·dy.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float slope, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pg = ref MemoryMarshal.GetReference(dy);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(slope);
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref pg, i);
                var positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref px, i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(positive, g, g * s).StoreUnsafe(ref pd, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(slope);
            for (; i + 8 <= n; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref pg, i);
                var positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref px, i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(positive, g, g * s).StoreUnsafe(ref pd, i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref pg, i);
            Unsafe.Add(ref pd, i) = Unsafe.Add(ref px, i) > 0f ? g : g * slope;
        }
    }

    /// <summary>Sigmoid derivative from its output: dx = dy·y·(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(y.Length, dy.Length, dx.Length);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pg = ref MemoryMarshal.GetReference(dy);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        nuint i = 0, n = (nuint)y.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref py, i);
                (Vector512.LoadUnsafe(ref pg, i) * v * (Vector512<float>.One - v)).StoreUnsafe(ref pd, i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref py, i);
                (Vector256.LoadUnsafe(ref pg, i) * v * (Vector256<float>.One - v)).StoreUnsafe(ref pd, i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref py, i);
            Unsafe.Add(ref pd, i) = Unsafe.Add(ref pg, i) * v * (1f - v);
        }
    }

    /// <summary>Tanh derivative from its output: dx = dy·(1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(y.Length, dy.Length, dx.Length);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pg = ref MemoryMarshal.GetReference(dy);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        nuint i = 0, n = (nuint)y.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref py, i);
                (Vector512.LoadUnsafe(ref pg, i) * (Vector512<float>.One - v * v)).StoreUnsafe(ref pd, i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref py, i);
                (Vector256.LoadUnsafe(ref pg, i) * (Vector256<float>.One - v * v)).StoreUnsafe(ref pd, i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref py, i);
            Unsafe.Add(ref pd, i) = Unsafe.Add(ref pg, i) * (1f - v * v);
        }
    }

    /// <summary>
    /// Σ t·log p̃ + (1 − t)·log(1 − p̃) with p̃ = clip(p, ε, 1 − ε), in one pass. Each SIMD lane
    /// accumulates its own float partial sum; the lanes are added in double at the end, so the
    /// order of additions (and the result) is fixed for a given length and CPU.
    /// </summary>
    public static double ClippedCrossEntropySum(ReadOnlySpan<float> p, ReadOnlySpan<float> t, float epsilon)
    {
        Check(p.Length, t.Length);
        ref float pp = ref MemoryMarshal.GetReference(p);
        ref float pt = ref MemoryMarshal.GetReference(t);
        float lo = epsilon, hi = 1f - epsilon;
        nuint i = 0, n = (nuint)p.Length;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (vlo, vhi, acc) = (Vector512.Create(lo), Vector512.Create(hi), Vector512<float>.Zero);
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref pp, i), vlo), vhi);
                var logP = Vector512.Log(x);
                var log1mP = Vector512.Log(Vector512<float>.One - x);
                acc += Vector512.LoadUnsafe(ref pt, i) * (logP - log1mP) + log1mP;
            }
            for (int lane = 0; lane < 16; lane++) sum += acc[lane];
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var (vlo, vhi, acc) = (Vector256.Create(lo), Vector256.Create(hi), Vector256<float>.Zero);
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref pp, i), vlo), vhi);
                var logP = Vector256.Log(x);
                var log1mP = Vector256.Log(Vector256<float>.One - x);
                acc += Vector256.LoadUnsafe(ref pt, i) * (logP - log1mP) + log1mP;
            }
            for (int lane = 0; lane < 8; lane++) sum += acc[lane];
        }
        for (; i < n; i++)
        {
            float x = Math.Clamp(Unsafe.Add(ref pp, i), lo, hi);
            sum += Unsafe.Add(ref pt, i) * MathF.Log(x) + (1f - Unsafe.Add(ref pt, i)) * MathF.Log(1f - x);
        }
        return sum;
    }

    /// <summary>
    /// Gradient of the clipped binary cross-entropy: g = scale·(−t/p + (1 − t)/(1 − p)) where
    /// ε ≤ p ≤ 1 − ε, and 0 where the clip is active (the bounds themselves pass, as in PyTorch's clamp).
    /// </summary>
    public static void ClippedCrossEntropyGradient(ReadOnlySpan<float> p, ReadOnlySpan<float> t, float epsilon, float scale, Span<float> grad)
    {
        Check(p.Length, t.Length, grad.Length);
        ref float pp = ref MemoryMarshal.GetReference(p);
        ref float pt = ref MemoryMarshal.GetReference(t);
        ref float pg = ref MemoryMarshal.GetReference(grad);
        float lo = epsilon, hi = 1f - epsilon;
        nuint i = 0, n = (nuint)p.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var (vlo, vhi, vs, one) = (Vector512.Create(lo), Vector512.Create(hi), Vector512.Create(scale), Vector512<float>.One);
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref pp, i);
                var y = Vector512.LoadUnsafe(ref pt, i);
                var inside = Vector512.GreaterThanOrEqual(x, vlo) & Vector512.LessThanOrEqual(x, vhi);
                var g = ((one - y) / (one - x) - y / x) * vs;
                (g & inside).StoreUnsafe(ref pg, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var (vlo, vhi, vs, one) = (Vector256.Create(lo), Vector256.Create(hi), Vector256.Create(scale), Vector256<float>.One);
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref pp, i);
                var y = Vector256.LoadUnsafe(ref pt, i);
                var inside = Vector256.GreaterThanOrEqual(x, vlo) & Vector256.LessThanOrEqual(x, vhi);
                var g = ((one - y) / (one - x) - y / x) * vs;
                (g & inside).StoreUnsafe(ref pg, i);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref pp, i), y = Unsafe.Add(ref pt, i);
            Unsafe.Add(ref pg, i) = x >= lo && x <= hi ? ((1f - y) / (1f - x) - y / x) * scale : 0f;
        }
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

    /// <summary>Σ_b Σ_p x[b, c, p] for one channel c of x: [B, C, P], in double, samples in order: deterministic.</summary>
    public static double ChannelSum(ReadOnlySpan<float> x, int batch, int channels, int positions, int channel)
    {
        double total = 0;
        for (int b = 0; b < batch; b++) total += TensorPrimitives.Sum(x.Slice((b * channels + channel) * positions, positions));
        return total;
    }

    /// <summary>target[j, i] += source[i, j] for source: [rows, cols] and target: [cols, rows].</summary>
    public static void AddTransposed(ReadOnlySpan<float> source, int rows, int cols, Span<float> target)
    {
        if (source.Length < rows * cols || target.Length < rows * cols) throw new ArgumentException("matrix smaller than its shape");
        for (int j = 0; j < cols; j++)
        {
            var dst = target.Slice(j * rows, rows);
            for (int i = 0; i < rows; i++) dst[i] += source[i * cols + j];
        }
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
