using Bottleneck.Data;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public class ScalerTests
{
    [Fact]
    public void StandardScaler_on_digits_matches_sklearn()
    {
        var f = Fixture.Load("split.json").GetProperty("standard_scaler_digits");
        var mean = f.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var scale = f.GetProperty("scale").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var x = Digits.Load().Features;
        var scaled = new StandardScaler().FitTransform(x);
        for (int r = 0; r < x.Rows; r += 97)
            for (int c = 0; c < 64; c++)
                scaled.Row(r)[c].Should().BeApproximately((float)((x.Row(r)[c] - mean[c]) / scale[c]), 1e-5f, $"row {r} column {c}");
    }

    [Fact]
    public void MinMaxScaler_maps_each_column_onto_0_1_and_leaves_constant_columns_at_0()
    {
        var x = new Tensor([1f, 5f, 3f, 5f, 5f, 5f], 3, 2);
        var y = new MinMaxScaler().FitTransform(x);
        y.Data.Should().Equal(0f, 0f, 0.5f, 0f, 1f, 0f);
    }
}
