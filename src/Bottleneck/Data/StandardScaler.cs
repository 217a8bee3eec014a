using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>scikit-learn's StandardScaler: x' = (x − mean) / std, population std, constant columns left at scale 1.</summary>
public sealed class StandardScaler : Scaler
{
    /// <inheritdoc/>
    public override ScalerKind Kind => ScalerKind.Standard;

    /// <inheritdoc/>
    private protected override (double[] Shift, double[] Scale) Compute(Tensor x)
    {
        var (mean, variance) = Moments(x);
        var scale = variance.Select(v => v > 0 ? Math.Sqrt(v) : 1.0).ToArray();
        return (mean, scale);
    }
}
