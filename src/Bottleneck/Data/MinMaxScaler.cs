using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>scikit-learn's MinMaxScaler to [0, 1]: x' = (x − min) / (max − min), constant columns left at scale 1.</summary>
public sealed class MinMaxScaler : Scaler
{
    /// <inheritdoc/>
    public override ScalerKind Kind => ScalerKind.MinMax;

    /// <inheritdoc/>
    private protected override (double[] Shift, double[] Scale) Compute(Tensor x)
    {
        int f = x.RowSize;
        var min = Enumerable.Repeat(double.PositiveInfinity, f).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, f).ToArray();
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < f; c++)
            {
                min[c] = Math.Min(min[c], row[c]);
                max[c] = Math.Max(max[c], row[c]);
            }
        }
        return (min, min.Zip(max, (lo, hi) => hi > lo ? hi - lo : 1.0).ToArray());
    }
}
