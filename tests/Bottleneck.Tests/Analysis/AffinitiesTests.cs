using Bottleneck.Analysis;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

/// <summary>Perplexity calibration of t-SNE's conditional distributions.</summary>
public class AffinitiesTests
{
    /// <summary>exp(H) with H = −Σ p ln p in nats, which is 2^H with H in bits.</summary>
    private static double Perplexity(ReadOnlySpan<double> p)
    {
        double h = 0;
        foreach (double v in p)
            if (v > 0) h -= v * Math.Log(v);
        return Math.Exp(h);
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(30.0)]
    public void Each_calibrated_conditional_distribution_has_the_target_perplexity_within_1e_4(double perplexity)
    {
        var random = new RandomState(17);
        const int n = 150, d = 8;
        var x = new Tensor(n, d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) x.Row(i)[j] = (float)(random.NextGaussian() * (1 + i % 3));
        int k = Math.Min(n - 1, (int)(3 * perplexity + 1));
        var (_, distances) = NearestNeighbours.Find(x, k, WorkerPool.Serial);
        var p = new double[k];
        for (int i = 0; i < n; i++)
        {
            Affinities.Calibrate(distances.AsSpan(i * k, k), p, perplexity);
            p.Sum().Should().BeApproximately(1, 1e-12);
            Perplexity(p).Should().BeApproximately(perplexity, 1e-4 * perplexity, $"point {i}");
        }
    }

    [Fact]
    public void Calibrated_betas_and_conditional_probabilities_match_sklearns_binary_search_perplexity()
    {
        var f = Fixture.Case("analysis.json", "perplexity_calibration");
        double perplexity = f.GetProperty("perplexity").GetDouble();
        var shape = f.GetProperty("squared_distances").GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        int n = shape[0], k = shape[1];
        var distances = f.GetProperty("squared_distances").GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expected = f.GetProperty("conditional").GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var betas = f.GetProperty("betas").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var p = new double[k];
        for (int i = 0; i < n; i++)
        {
            double beta = Affinities.Calibrate(distances.AsSpan(i * k, k), p, perplexity);
            beta.Should().BeApproximately(betas[i], 1e-6 * betas[i], $"beta of point {i}");
            for (int j = 0; j < k; j++)
                p[j].Should().BeApproximately(expected[i * k + j], 1e-9, $"p[{i}, {j}]");
            Perplexity(p).Should().BeApproximately(perplexity, 1e-4 * perplexity, $"point {i}");
        }
    }
}
