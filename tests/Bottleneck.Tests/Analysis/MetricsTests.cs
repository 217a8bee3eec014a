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
}
