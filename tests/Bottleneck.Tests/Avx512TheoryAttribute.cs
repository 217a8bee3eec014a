namespace Bottleneck.Tests;

/// <summary>
/// A theory about a kernel only the AVX-512 path has. It runs where Vector512 is accelerated (this project's machines) and is
/// reported as skipped, never as passed, elsewhere.
/// </summary>
public sealed class Avx512TheoryAttribute : TheoryAttribute
{
    public Avx512TheoryAttribute()
    {
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Skip = "needs AVX-512 (the row-dot kernel is its path's)";
    }
}
