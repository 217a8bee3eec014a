using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Tensors;

/// <summary>
/// The machine's peak single-precision rate as this runtime reaches it: one core running independent fused
/// multiply-adds on the widest vectors <see cref="Gemm"/> uses, measured once per process (best of a few short
/// runs, so a busy moment on a shared machine does not lower it), times the threads asked. A profile reads
/// achieved GFLOP/s against it; no kernel can beat it.
/// </summary>
internal static class PeakFlops
{
    private static readonly Lazy<double> s_perCore = new(MeasureOneCore);

    /// <summary>Peak GFLOP/s of <paramref name="threads"/> cores.</summary>
    public static double Gflops(int threads) => s_perCore.Value * threads;

    private static double MeasureOneCore()
    {
        double best = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            const int iterations = 1 << 20;
            bool wide = Gemm.DefaultPath == SimdPath.Vector512;
            var clock = Stopwatch.StartNew();
            Sink = wide ? Fma512(iterations) : Fma256(iterations);
            long flops = (long)iterations * 12 * (wide ? 16 : 8) * 2;
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    // Twelve independent chains: enough to cover an FMA's latency on two pipes. Each iteration does 12 FMAs
    // of 16 lanes, 2 FLOPs each. The chains' sum is returned, not stored here: a store to a static after the loop
    // made the ahead-of-time compiler keep every chain on the stack, a quarter of the rate (the JIT did not).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512(int iterations)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> s0 = m, s1 = m, s2 = m, s3 = m, s4 = m, s5 = m, s6 = m, s7 = m, s8 = m, s9 = m, s10 = m, s11 = m;
        for (int i = 0; i < iterations; i++)
        {
            s0 = Vector512.FusedMultiplyAdd(s0, m, a); s1 = Vector512.FusedMultiplyAdd(s1, m, a);
            s2 = Vector512.FusedMultiplyAdd(s2, m, a); s3 = Vector512.FusedMultiplyAdd(s3, m, a);
            s4 = Vector512.FusedMultiplyAdd(s4, m, a); s5 = Vector512.FusedMultiplyAdd(s5, m, a);
            s6 = Vector512.FusedMultiplyAdd(s6, m, a); s7 = Vector512.FusedMultiplyAdd(s7, m, a);
            s8 = Vector512.FusedMultiplyAdd(s8, m, a); s9 = Vector512.FusedMultiplyAdd(s9, m, a);
            s10 = Vector512.FusedMultiplyAdd(s10, m, a); s11 = Vector512.FusedMultiplyAdd(s11, m, a);
        }
        return (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11).GetElement(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256(int iterations)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> s0 = m, s1 = m, s2 = m, s3 = m, s4 = m, s5 = m, s6 = m, s7 = m, s8 = m, s9 = m, s10 = m, s11 = m;
        for (int i = 0; i < iterations; i++)
        {
            s0 = Vector256.FusedMultiplyAdd(s0, m, a); s1 = Vector256.FusedMultiplyAdd(s1, m, a);
            s2 = Vector256.FusedMultiplyAdd(s2, m, a); s3 = Vector256.FusedMultiplyAdd(s3, m, a);
            s4 = Vector256.FusedMultiplyAdd(s4, m, a); s5 = Vector256.FusedMultiplyAdd(s5, m, a);
            s6 = Vector256.FusedMultiplyAdd(s6, m, a); s7 = Vector256.FusedMultiplyAdd(s7, m, a);
            s8 = Vector256.FusedMultiplyAdd(s8, m, a); s9 = Vector256.FusedMultiplyAdd(s9, m, a);
            s10 = Vector256.FusedMultiplyAdd(s10, m, a); s11 = Vector256.FusedMultiplyAdd(s11, m, a);
        }
        return (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11).GetElement(0);
    }

    // Keeps the chains' results alive, so no compiler can drop the loops.
    private static float Sink { get; set; }
}
