using Bottleneck.Analysis;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

/// <summary>t-SNE's gradient of KL(P ‖ Q) against central finite differences, and Barnes-Hut and FIt-SNE against exact.</summary>
public class TsneGradientTests
{
    private const int N = 24;

    private static Tensor RandomPoints(uint seed, int n, int d)
    {
        var random = new RandomState(seed);
        var x = new Tensor(n, d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) x.Row(i)[j] = (float)random.NextGaussian();
        return x;
    }

    /// <summary>A map with coordinates of order 1, so that q spans a useful range.</summary>
    private static double[] RandomMap(uint seed, int n)
    {
        var random = new RandomState(seed);
        var y = new double[2 * n];
        for (int i = 0; i < y.Length; i++) y[i] = 2 * random.NextGaussian();
        return y;
    }

    private static double[] Dense(SparseAffinities p, int n)
    {
        var dense = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++) dense[i * n + p.Columns[e]] = p.Values[e];
        return dense;
    }

    private static Tsne.SparseObjective BarnesHut(SparseAffinities p, int n, double theta) =>
        new(p, n, new BarnesHutRepulsion(theta, WorkerPool.Serial), WorkerPool.Serial);

    private static Tsne.SparseObjective Interpolated(SparseAffinities p, int n, WorkerPool pool) =>
        new(p, n, new InterpolatedRepulsion(n, pool), pool);

    private static double RelativeError(double[] actual, double[] expected)
    {
        double error = 0, norm = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            error += (actual[k] - expected[k]) * (actual[k] - expected[k]);
            norm += expected[k] * expected[k];
        }
        return Math.Sqrt(error / norm);
    }

    private static double[] Gradient(Tsne.Objective objective, double[] y)
    {
        var grad = new double[y.Length];
        objective.Gradient(y, grad, computeError: false);
        return grad;
    }

    private static double Kl(Tsne.Objective objective, double[] y) => objective.Gradient(y, new double[y.Length], computeError: true);

    /// <summary>(KL(y + h·e_k) − KL(y − h·e_k)) / 2h for every coordinate k.</summary>
    private static double[] FiniteDifferences(Tsne.Objective objective, double[] y, double h = 1e-5)
    {
        var fd = new double[y.Length];
        for (int k = 0; k < y.Length; k++)
        {
            var plus = (double[])y.Clone();
            var minus = (double[])y.Clone();
            plus[k] += h;
            minus[k] -= h;
            fd[k] = (Kl(objective, plus) - Kl(objective, minus)) / (2 * h);
        }
        return fd;
    }

    private static void ShouldMatch(double[] actual, double[] expected, double relative, string what)
    {
        double scale = expected.Max(Math.Abs);
        scale.Should().BeGreaterThan(1e-6, $"{what}: the gradient should not vanish on this problem");
        for (int k = 0; k < expected.Length; k++)
            actual[k].Should().BeApproximately(expected[k], relative * scale, $"{what}, coordinate {k}");
    }

    // Without exaggeration: with it (as in scikit-learn) only the attraction is scaled, which is not the gradient of the reported KL.
    [Fact]
    public void Exact_gradient_equals_central_finite_differences_of_the_KL()
    {
        var x = RandomPoints(1, N, 5);
        var p = Affinities.Exact(x, 5, WorkerPool.Serial);
        var objective = new Tsne.ExactObjective(p, N, WorkerPool.Serial);
        var y = RandomMap(2, N);
        ShouldMatch(Gradient(objective, y), FiniteDifferences(objective, y), 1e-6, "exact");
    }

    [Fact]
    public void Barnes_hut_gradient_with_theta_0_equals_central_finite_differences_of_the_KL()
    {
        var x = RandomPoints(3, N, 5);
        var p = Affinities.Sparse(x, 5, WorkerPool.Serial);
        var objective = BarnesHut(p, N, 0);
        var y = RandomMap(4, N);
        ShouldMatch(Gradient(objective, y), FiniteDifferences(objective, y), 1e-6, "Barnes-Hut, theta 0");
    }

    [Fact]
    public void Barnes_hut_gradient_with_theta_0_equals_the_exact_gradient_for_the_same_P()
    {
        var x = RandomPoints(5, N, 5);
        var p = Affinities.Sparse(x, 5, WorkerPool.Serial);
        var y = RandomMap(6, N);
        var exact = new Tsne.ExactObjective(Dense(p, N), N, WorkerPool.Serial);
        var bh = BarnesHut(p, N, 0);
        ShouldMatch(Gradient(bh, y), Gradient(exact, y), 1e-10, "Barnes-Hut theta 0 vs exact");
        Kl(bh, y).Should().BeApproximately(Kl(exact, y), 1e-10 * Kl(exact, y));
    }

    [Fact]
    public void Barnes_hut_gradient_with_theta_one_half_is_close_to_the_exact_gradient()
    {
        const int n = 200;
        var x = RandomPoints(7, n, 5);
        var p = Affinities.Sparse(x, 10, WorkerPool.Serial);
        var y = RandomMap(8, n);
        var exact = Gradient(new Tsne.ExactObjective(Dense(p, n), n, WorkerPool.Serial), y);
        var bh = Gradient(BarnesHut(p, n, 0.5), y);
        RelativeError(bh, exact).Should().BeLessThan(0.05, "relative L2 error of the theta = 0.5 gradient");
        RelativeError(bh, exact).Should().BeGreaterThan(0, "theta = 0.5 should actually summarise some cells");
    }

    // Maps of extent ~1 (many nodes per unit) and ~60 (about one box per unit, as late in a run): FIt-SNE's accuracy
    // is set by the nodes per unit of the kernel's width, so the wide map is the hard case.
    [Theory]
    [InlineData(1.0, 1e-4, 1e-6)]
    [InlineData(30.0, 0.03, 0.005)]
    public void Interpolated_gradient_and_KL_are_close_to_the_exact_ones(double spread, double gradientTolerance, double klTolerance)
    {
        const int n = 300;
        var x = RandomPoints(9, n, 5);
        var p = Affinities.Sparse(x, 10, WorkerPool.Serial);
        var y = RandomMap(10, n);
        for (int k = 0; k < y.Length; k++) y[k] *= spread / 2;
        var exactObjective = new Tsne.ExactObjective(Dense(p, n), n, WorkerPool.Serial);
        var exact = Gradient(exactObjective, y);
        var fft = Interpolated(p, n, WorkerPool.Serial);
        RelativeError(Gradient(fft, y), exact).Should().BeLessThan(gradientTolerance, "relative L2 error of the interpolated gradient");
        Kl(fft, y).Should().BeApproximately(Kl(exactObjective, y), klTolerance * Kl(exactObjective, y));
    }

    [Fact]
    public void Interpolated_repulsion_of_a_map_that_is_no_longer_finite_is_a_clear_error()
    {
        var y = RandomMap(13, 50);
        y[7] = double.PositiveInfinity;
        var act = () => new InterpolatedRepulsion(50, WorkerPool.Serial).Compute(y, new double[50], new double[100]);
        act.Should().Throw<ArgumentException>().WithMessage("t-SNE diverged*learning rate*");
    }

    [Fact]
    public void Interpolated_gradient_is_the_same_bits_on_any_number_of_threads()
    {
        const int n = 2000;
        var x = RandomPoints(11, n, 5);
        var p = Affinities.Sparse(x, 10, WorkerPool.Serial);
        var y = RandomMap(12, n);
        for (int k = 0; k < y.Length; k++) y[k] *= 20;
        var serial = Gradient(Interpolated(p, n, WorkerPool.Serial), y);
        using var pool = new WorkerPool(3);
        Gradient(Interpolated(p, n, pool), y).Should().Equal(serial);
    }
}
