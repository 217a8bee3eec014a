using Bottleneck.Data;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public sealed class MseBaselinesTests
{
    private static Dataset Of(params float[][] rows) =>
        new("t", new Tensor([.. rows.SelectMany(r => r)], rows.Length, rows[0].Length), null);

    [Fact]
    public void The_baselines_are_the_test_MSE_of_the_training_mean_and_of_zeros()
    {
        // Training mean [1, 3]; test errors against it 0, 2, 2, 2 (MSE 12/4); squares 1, 1, 9, 25 (MSE 36/4).
        var b = MseBaselines.Of(Of([0, 2], [2, 4]), Of([1, 1], [3, 5]));
        b.MeanImage.Should().Be(3);
        b.Zeros.Should().Be(9);
    }

    [Fact]
    public void A_model_no_better_than_the_mean_is_named_and_a_better_one_is_not()
    {
        var b = new MseBaselines(0.1, 0.3);
        b.WorseThanMean(0.2, "Adam").Should().StartWith("Adam has test MSE 0.2, no better than predicting the mean training sample (0.1)");
        b.WorseThanMean(0.1, "Adam").Should().NotBeNull("equal is no better");
        b.WorseThanMean(0.05, "Adam").Should().BeNull();
        b.WorseThanMean(double.NaN, "Adam").Should().BeNull("a diverged run says so itself");
    }
}
