using Bottleneck.Analysis;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

public class MetricsTests
{
    private static double[,] Matrix(System.Text.Json.JsonElement e)
    {
        var t = Fixture.Tensor(e);
        return Points.From(t);
    }

    [Fact]
    public void Trustworthiness_matches_sklearn_for_k_5_and_3()
    {
        var f = Fixture.Case("analysis.json", "trustworthiness_small");
        var x = Matrix(f.GetProperty("x"));
        var map = Matrix(f.GetProperty("embedded"));
        Trustworthiness.Compute(x, map).Should().BeApproximately(f.GetProperty("k5").GetDouble(), 1e-5);
        Trustworthiness.Compute(x, map, 3, threads: 2).Should().BeApproximately(f.GetProperty("k3").GetDouble(), 1e-5);
    }

    [Fact]
    public void Trustworthiness_of_the_data_itself_is_1()
    {
        var f = Fixture.Case("analysis.json", "trustworthiness_small");
        var x = Matrix(f.GetProperty("x"));
        Trustworthiness.Compute(x, x).Should().Be(1);
    }

    [Fact]
    public void KnnAccuracy_leaves_each_point_out_and_breaks_vote_ties_by_the_smallest_label()
    {
        // On a line: 0 1 2 | 10 11 | 20. With k = 2, point 10's neighbours are 11 (label 1) and 2 (label 0):
        // a tie, so label 0 wins and 10 (label 1) is wrong.
        double[,] points = { { 0 }, { 1 }, { 2 }, { 10 }, { 11 }, { 20 } };
        int[] labels = [0, 0, 0, 1, 1, 2];
        // 0,1,2 right; 10 → tie {1, 0} → 0 wrong; 11 → {10: 1, 2: 0} tie → 0 wrong; 20 → {11: 1, 10: 1} → 1 wrong.
        KnnAccuracy.Compute(points, labels, 2).Should().BeApproximately(3.0 / 6, 1e-12);
        KnnAccuracy.Compute(points, labels, 1).Should().BeApproximately(5.0 / 6, 1e-12);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(9, 30)]
    [InlineData(513, 2)]
    [InlineData(1100, 30)]
    public void Squared_distances_are_the_point_by_point_sum_over_dimensions_in_order_to_the_bit(int n, int d)
    {
        var random = new Random(n * 31 + d);
        var x = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) x[i, k] = random.NextDouble() * 4 - 2;
        var points = new Points(x);
        var rows = new double[Points.Rows * n];
        // Every count of rows at once, at the start, the middle and the end.
        foreach (var (first, count) in new[] { (0, 1), (n / 2, Math.Min(2, n - n / 2)), (Math.Max(0, n - 3), Math.Min(3, n)), (0, Math.Min(4, n)) })
        {
            points.SquaredDistances(first, count, rows);
            for (int r = 0; r < Points.Rows; r++)
            {
                int i = first + Math.Min(r, count - 1);
                for (int j = 0; j < n; j++)
                {
                    double expected = 0;
                    for (int k = 0; k < d; k++) expected += (x[i, k] - x[j, k]) * (x[i, k] - x[j, k]);
                    rows[r * n + j].Should().Be(expected, $"distance {i}-{j} of {n} points in {d} dimensions (rows {first}+{count})");
                }
            }
        }
    }

    // Points on a small integer lattice tie often, in the data and in the map: the ranks must break them by index.
    [Theory]
    [InlineData(40, 3, 1)]
    [InlineData(130, 3, 5)]
    [InlineData(301, 4, 7)]
    public void Trustworthiness_is_its_definition_exactly_with_ties_on_any_thread_count(int n, int d, int k)
    {
        var random = new Random(n + k);
        var x = new double[n, d];
        var map = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++) x[i, c] = random.Next(4);
            for (int c = 0; c < 2; c++) map[i, c] = random.Next(5);
        }
        double expected = Definition(x, map, k);
        Trustworthiness.Compute(x, map, k).Should().Be(expected);
        Trustworthiness.Compute(x, map, k, threads: 3).Should().Be(expected);
    }

    // Venna and Kaski's T(k) straight from its definition: every point's others sorted by (distance, index) in both spaces.
    private static double Definition(double[,] x, double[,] map, int k)
    {
        int n = x.GetLength(0);
        double Distance(double[,] p, int i, int j)
        {
            double s = 0;
            for (int c = 0; c < p.GetLength(1); c++) s += (p[i, c] - p[j, c]) * (p[i, c] - p[j, c]);
            return s;
        }
        int[] Order(double[,] p, int i) => [.. Enumerable.Range(0, n).Where(j => j != i).OrderBy(j => Distance(p, i, j)).ThenBy(j => j)];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var original = Order(x, i);
            foreach (int j in Order(map, i).Take(k))
            {
                int rank = Array.IndexOf(original, j) + 1;
                if (rank > k) total += rank - k;
            }
        }
        return 1 - total * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)));
    }
}
