using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

public class PcaTests
{
    [Fact]
    public void Pca_on_digits_matches_sklearn_components_signs_and_explained_variance()
    {
        var f = Fixture.Case("analysis.json", "pca_digits");
        int k = f.GetProperty("components").GetInt32();
        var pca = Pca.Fit(Digits.Load().Features, k);

        var expected = Fixture.Tensor(f.GetProperty("rows"));
        var actual = new float[k * 64];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < 64; j++) actual[c * 64 + j] = (float)pca.Components[c, j];
        // Signs included: both follow svd_flip's u-based convention.
        Close.Check(actual, expected.Data, 0, 1e-6, "components");
        Close.Check(pca.ExplainedVariance.Select(v => (float)v).ToArray(), Fixture.Floats(f.GetProperty("explained_variance")), 1e-6, 0, "explained variance");
        Close.Check(pca.ExplainedVarianceRatio.Select(v => (float)v).ToArray(), Fixture.Floats(f.GetProperty("explained_variance_ratio")), 1e-6, 0, "explained variance ratio");
        Close.Check(pca.Mean.Select(v => (float)v).ToArray(), Fixture.Floats(f.GetProperty("mean")), 1e-7, 1e-7, "mean");
    }

    [Fact]
    public void Pca_transform_of_digits_matches_sklearn()
    {
        var f = Fixture.Case("analysis.json", "pca_digits");
        int k = f.GetProperty("components").GetInt32();
        var x = Digits.Load().Features;
        var scores = Pca.Fit(x, k).Transform(new Tensor(x.Data[..(5 * 64)], 5, 64));
        var actual = new float[5 * k];
        for (int i = 0; i < 5; i++)
            for (int c = 0; c < k; c++) actual[i * k + c] = (float)scores[i, c];
        Close.Check(actual, Fixture.Tensor(f.GetProperty("transformed_first5")).Data, 1e-6, 1e-5, "scores");
    }

    [Fact]
    public void Pca_finds_the_axis_of_a_line_and_all_of_its_variance()
    {
        // Points on y = 2x: one component along (1, 2)/√5 carries everything; the farthest point from
        // the mean, (4, 8), has a positive score, so the component points its way.
        var x = new Tensor([0f, 0f, 1f, 2f, 2f, 4f, 4f, 8f], 4, 2);
        var pca = Pca.Fit(x, 2);
        pca.Components[0, 0].Should().BeApproximately(1 / Math.Sqrt(5), 1e-12);
        pca.Components[0, 1].Should().BeApproximately(2 / Math.Sqrt(5), 1e-12);
        pca.ExplainedVarianceRatio[0].Should().BeApproximately(1, 1e-12);
        pca.ExplainedVariance[1].Should().BeApproximately(0, 1e-12);
    }

    [Fact]
    public void Pca_rejects_more_components_than_features()
    {
        var act = () => Pca.Fit(new Tensor(4, 2), 3);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1..2*");
    }
}
