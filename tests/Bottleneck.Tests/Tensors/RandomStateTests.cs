using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

public class RandomStateTests
{
    [Fact]
    public void Permutation_matches_numpy_legacy_RandomState()
    {
        foreach (var c in Fixture.Load("split.json").GetProperty("permutation").EnumerateArray())
        {
            var rng = new RandomState((uint)c.GetProperty("seed").GetInt64());
            rng.Permutation(c.GetProperty("n").GetInt32()).Should().Equal(Fixture.Ints(c.GetProperty("values")));
        }
    }

    [Fact]
    public void Random_sample_matches_numpy_bit_for_bit()
    {
        var c = Fixture.Load("split.json").GetProperty("random_sample");
        var rng = new RandomState((uint)c.GetProperty("seed").GetInt64());
        foreach (var expected in c.GetProperty("values").EnumerateArray())
            rng.NextDouble().Should().Be(expected.GetDouble());
    }

    [Fact]
    public void Derived_seeds_depend_on_the_seed_and_the_identity_only()
    {
        RandomState.Derive(42, "{\"lr\":0.01}").Should().Be(RandomState.Derive(42, "{\"lr\":0.01}"));
        RandomState.Derive(42, "{\"lr\":0.01}").Should().NotBe(RandomState.Derive(42, "{\"lr\":0.05}"));
        RandomState.Derive(42, "fold 1").Should().NotBe(RandomState.Derive(43, "fold 1"));
    }

    [Fact]
    public void Gaussian_draws_have_unit_variance()
    {
        var rng = new RandomState(1);
        var v = Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian()).ToArray();
        v.Average().Should().BeApproximately(0, 0.03);
        (v.Select(x => x * x).Average()).Should().BeApproximately(1, 0.03);
    }
}
