using Bottleneck.Analysis;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

/// <summary>t-SNE's kernels against direct sums: the Barnes-Hut quadtree and its per-group interaction lists, the attraction, the exact row sums.</summary>
public class TsneKernelTests
{
    /// <summary>Clustered points (as a t-SNE map has) plus <paramref name="duplicates"/> copies of one point.</summary>
    private static double[] Map(uint seed, int n, int duplicates)
    {
        var random = new RandomState(seed);
        var y = new double[2 * (n + duplicates)];
        for (int i = 0; i < n; i++)
        {
            int cluster = i % 5;
            y[2 * i] = 20 * cluster + random.NextGaussian() * (1 + cluster);
            y[2 * i + 1] = -10 * cluster + random.NextGaussian();
        }
        for (int i = n; i < n + duplicates; i++)
        {
            y[2 * i] = 3.25;
            y[2 * i + 1] = -7.5;
        }
        return y;
    }

    /// <summary>Σ_j w and Σ_j w²·(y_i − y_j) over every other point not at exactly the same place.</summary>
    private static (double SumQ, double Fx, double Fy) Direct(double[] y, int i)
    {
        double sumQ = 0, fx = 0, fy = 0;
        for (int j = 0; j < y.Length / 2; j++)
        {
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double d2 = dx * dx + dy * dy;
            if (d2 == 0) continue;
            double q = 1 / (1 + d2);
            sumQ += q;
            fx += q * q * dx;
            fy += q * q * dy;
        }
        return (sumQ, fx, fy);
    }

    private static Dictionary<int, (double SumQ, double Fx, double Fy)> Repulsions(double[] y, double theta)
    {
        var tree = new QuadTree();
        tree.Build(y);
        var list = new InteractionList();
        var result = new Dictionary<int, (double, double, double)>();
        for (int g = 0; g < tree.GroupCount; g++)
        {
            tree.Interactions(g, theta, list);
            foreach (int i in tree.GroupPoints(g)) result.Add(i, list.Repulsion(y[2 * i], y[2 * i + 1]));
        }
        return result;
    }

    [Fact]
    public void Groups_hold_every_point_exactly_once_and_each_list_accounts_for_every_point()
    {
        var y = Map(1, 1500, 300);
        int n = y.Length / 2;
        var tree = new QuadTree();
        tree.Build(y);
        tree.GroupCount.Should().BeGreaterThan(5);
        var seen = new int[n];
        var list = new InteractionList();
        for (int g = 0; g < tree.GroupCount; g++)
        {
            var points = tree.GroupPoints(g);
            foreach (int i in points) seen[i]++;
            points.Length.Should().BeInRange(1, Math.Max(QuadTree.GroupSize, 300));
            tree.Interactions(g, 0.5, list);
            list.Counts.Take(list.Length).Sum().Should().Be(n, $"group {g}'s list should cover every point once");
        }
        seen.Should().OnlyContain(count => count == 1);
    }

    [Fact]
    public void With_theta_0_the_repulsion_is_the_direct_sum_also_for_duplicates()
    {
        var y = Map(2, 700, 40);
        foreach (var (i, (sumQ, fx, fy)) in Repulsions(y, 0))
        {
            var direct = Direct(y, i);
            sumQ.Should().BeApproximately(direct.SumQ, 1e-12 * direct.SumQ, $"point {i}");
            double scale = Math.Abs(direct.Fx) + Math.Abs(direct.Fy);
            fx.Should().BeApproximately(direct.Fx, 1e-11 * scale, $"point {i}");
            fy.Should().BeApproximately(direct.Fy, 1e-11 * scale, $"point {i}");
        }
    }

    [Fact]
    public void With_theta_one_half_the_repulsion_is_close_to_the_direct_sum()
    {
        var y = Map(3, 3000, 0);
        double worstQ = 0, error = 0, norm = 0;
        bool summarised = false;
        foreach (var (i, (sumQ, fx, fy)) in Repulsions(y, 0.5))
        {
            var direct = Direct(y, i);
            worstQ = Math.Max(worstQ, Math.Abs(sumQ / direct.SumQ - 1));
            error += (fx - direct.Fx) * (fx - direct.Fx) + (fy - direct.Fy) * (fy - direct.Fy);
            norm += direct.Fx * direct.Fx + direct.Fy * direct.Fy;
            summarised |= sumQ != direct.SumQ;
        }
        summarised.Should().BeTrue("theta = 0.5 should summarise some cells");
        worstQ.Should().BeLessThan(0.03, "worst relative error of a point's sum of q");
        Math.Sqrt(error / norm).Should().BeLessThan(0.01, "relative L2 error of the repulsive forces");
    }

    [Fact]
    public void Attraction_equals_the_direct_sum_over_a_row()
    {
        var random = new RandomState(4);
        const int n = 50;
        var y = new double[2 * n];
        for (int k = 0; k < y.Length; k++) y[k] = 5 * random.NextGaussian();
        foreach (int length in new[] { 0, 1, 3, 4, 5, 17, 49 })
        {
            var columns = Enumerable.Range(0, length).Select(e => (e * 7 + 1) % n).ToArray();
            var values = Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();
            const int i = 0;
            double ex = 0, ey = 0;
            for (int e = 0; e < length; e++)
            {
                int j = columns[e];
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                double pw = 12 * values[e] / (1 + dx * dx + dy * dy);
                ex += pw * dx;
                ey += pw * dy;
            }
            var (fx, fy) = Attraction.Row(y, i, columns, values, 12);
            double scale = Math.Abs(ex) + Math.Abs(ey) + 1e-300;
            fx.Should().BeApproximately(ex, 1e-13 * scale, $"{length} entries");
            fy.Should().BeApproximately(ey, 1e-13 * scale, $"{length} entries");
            if (length == 0) (fx, fy).Should().Be((0.0, 0.0));
        }
    }

    [Fact]
    public void Exact_row_sums_equal_direct_sums_for_every_length()
    {
        var random = new RandomState(5);
        foreach (int n in new[] { 1, 7, 8, 9, 30 })
        {
            var xs = Enumerable.Range(0, n).Select(_ => 3 * random.NextGaussian()).ToArray();
            var ys = Enumerable.Range(0, n).Select(_ => 3 * random.NextGaussian()).ToArray();
            var p = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
            for (int i = 0; i < n; i++)
            {
                double w = 0, ax = 0, ay = 0, bx = 0, by = 0;
                for (int j = 0; j < n; j++)
                {
                    double dx = xs[i] - xs[j], dy = ys[i] - ys[j];
                    double wij = 1 / (1 + dx * dx + dy * dy);
                    w += wij;
                    ax += p[j] * wij * dx;
                    ay += p[j] * wij * dy;
                    bx += wij * wij * dx;
                    by += wij * wij * dy;
                }
                var sums = ExactSums.Row(xs, ys, p, i);
                sums.SumW.Should().BeApproximately(w, 1e-13 * w, $"n {n}, point {i}");
                double scale = Math.Abs(ax) + Math.Abs(ay) + Math.Abs(bx) + Math.Abs(by) + 1e-300;
                foreach (var (actual, expected) in new[] { (sums.Ax, ax), (sums.Ay, ay), (sums.Bx, bx), (sums.By, by) })
                    actual.Should().BeApproximately(expected, 1e-13 * scale, $"n {n}, point {i}");
            }
        }
    }
}
