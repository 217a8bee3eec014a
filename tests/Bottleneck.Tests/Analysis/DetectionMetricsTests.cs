using Bottleneck.Analysis;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

public class DetectionMetricsTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("detection.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Roc_auc_average_precision_and_the_roc_curve_match_scikit_learn(string name)
    {
        var c = Fixture.Case("detection.json", name);
        double[] scores = [.. c.GetProperty("scores").EnumerateArray().Select(v => v.GetDouble())];
        bool[] anomalous = [.. c.GetProperty("positive").EnumerateArray().Select(v => v.GetBoolean())];
        DetectionMetrics.RocAuc(scores, anomalous).Should().BeApproximately(c.GetProperty("auc").GetDouble(), 1e-12);
        DetectionMetrics.AveragePrecision(scores, anomalous).Should().BeApproximately(c.GetProperty("average_precision").GetDouble(), 1e-12);
        var curve = DetectionMetrics.RocCurve(scores, anomalous);
        curve.Select(p => p.Fpr).Should().Equal(c.GetProperty("fpr").EnumerateArray().Select(v => v.GetDouble()), (a, b) => Math.Abs(a - b) < 1e-12);
        curve.Select(p => p.Tpr).Should().Equal(c.GetProperty("tpr").EnumerateArray().Select(v => v.GetDouble()), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void The_auc_is_the_chance_an_anomaly_outscores_a_normal_sample()
    {
        var rng = new Bottleneck.Tensors.RandomState(4);
        double[] scores = [.. Enumerable.Range(0, 300).Select(_ => Math.Round(rng.NextGaussian(), 1))];
        bool[] anomalous = [.. Enumerable.Range(0, 300).Select(i => i % 3 == 0)];
        for (int i = 0; i < 300; i++) if (anomalous[i]) scores[i] += 0.5;
        double wins = 0, pairs = 0;
        for (int i = 0; i < 300; i++)
            for (int j = 0; j < 300; j++)
                if (anomalous[i] && !anomalous[j]) { pairs++; wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0; }
        DetectionMetrics.RocAuc(scores, anomalous).Should().BeApproximately(wins / pairs, 1e-12);
    }

    [Fact]
    public void One_class_only_or_a_NaN_score_is_refused()
    {
        FluentActions.Invoking(() => DetectionMetrics.RocAuc([1, 2], [true, true])).Should().Throw<ArgumentException>().WithMessage("*both*");
        FluentActions.Invoking(() => DetectionMetrics.RocAuc([1, double.NaN], [true, false])).Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }
}
