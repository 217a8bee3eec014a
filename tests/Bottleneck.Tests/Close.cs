using FluentAssertions;

namespace Bottleneck.Tests;

/// <summary>Element-wise comparison that names the first index out of tolerance: |a − e| ≤ atol + rtol·|e|.</summary>
public static class Close
{
    public static void Check(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double rtol, double atol, string what)
    {
        actual.Length.Should().Be(expected.Length, $"{what} has the expected number of values");
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])))
                throw new Xunit.Sdk.XunitException($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (|diff| {diff:E2} > {atol + rtol * Math.Abs(expected[i]):E2})");
        }
    }
}
