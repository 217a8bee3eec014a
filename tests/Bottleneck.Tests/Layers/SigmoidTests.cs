using Bottleneck.Layers;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Layers;

// The PyTorch fixture covers [−4, 4]; these hold Sigmoid to the exact value over the whole float range, to its clamp
// below −87, and to one answer per input, whichever vector width or tail computes it.
public class SigmoidTests
{
    private static float[] Forward(float[] x)
    {
        var input = new Tensor(1, x.Length);
        x.CopyTo(input.Data, 0);
        var y = new Tensor(1, x.Length);
        new Sigmoid().Forward(input, y);
        return y.Data;
    }

    [Fact]
    public void Is_within_four_ulps_of_the_exact_value_from_minus_87_to_plus_88()
    {
        var x = new float[350_001];
        for (int i = 0; i < x.Length; i++) x[i] = -87f + i * 0.0005f;
        var y = Forward(x);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            double ulp = MathF.BitIncrement((float)exact) - (float)exact;
            double error = Math.Abs(y[i] - exact) / ulp;
            if (error > worst) (worst, at) = (error, i);
        }
        // TensorPrimitives rounds e^−x, 1 + e^−x and the quotient each to float: 3.46 ulps at worst on this grid.
        worst.Should().BeLessThanOrEqualTo(4, $"sigmoid({x[at]}) = {y[at]:R}, exact {1 / (1 + Math.Exp(-(double)x[at])):R}");
    }

    [Fact]
    public void Below_minus_87_gives_a_tiny_normal_value_and_never_a_subnormal()
    {
        var y = Forward([-87.5f, -100f, -1e6f, float.NegativeInfinity, -float.MaxValue]);
        foreach (var v in y)
        {
            float.IsNormal(v).Should().BeTrue($"{v:R} is normal");
            v.Should().BeLessThan(2e-38f);
        }
    }

    [Fact]
    public void Is_one_far_above_zero_and_keeps_NaN()
    {
        var y = Forward([20f, 88f, 1e6f, float.PositiveInfinity, float.NaN, 0f]);
        y[..4].Should().AllSatisfy(v => v.Should().Be(1f));
        float.IsNaN(y[4]).Should().BeTrue();
        y[5].Should().Be(0.5f);
    }

    [Fact]
    public void Gives_the_same_bits_for_a_value_in_a_vector_a_half_vector_or_the_tail()
    {
        var rng = new RandomState(5);
        var x = new float[16 + 8 + 7];   // one 16-lane vector, one 8-lane vector, 7 values one by one
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.Uniform(-20, 20);
            var together = Forward(x);
            for (int i = 0; i < x.Length; i++)
            {
                var rotated = x[i..].Concat(x[..i]).ToArray();
                BitConverter.SingleToInt32Bits(Forward(rotated)[0]).Should().Be(BitConverter.SingleToInt32Bits(together[i]), $"sigmoid({x[i]:R})");
                BitConverter.SingleToInt32Bits(Forward([x[i]])[0]).Should().Be(BitConverter.SingleToInt32Bits(together[i]), $"sigmoid({x[i]:R}) alone");
            }
        }
    }
}
