using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>A per-feature affine map x' = (x − shift) / scale, fitted on one matrix and applied to any.</summary>
public abstract class Scaler
{
    private protected double[] Shift { get; private set; } = [];
    private protected double[] Scale { get; private set; } = [];

    /// <summary>Which scaling this is.</summary>
    public abstract ScalerKind Kind { get; }

    /// <summary>Learns the per-feature shift and scale from <paramref name="x"/> [n, features].</summary>
    public Scaler Fit(Tensor x)
    {
        (Shift, Scale) = Compute(x);
        return this;
    }

    private protected abstract (double[] Shift, double[] Scale) Compute(Tensor x);

    /// <summary>The scaled copy of <paramref name="x"/> [n, f], by the statistics <see cref="Fit"/> took.</summary>
    public Tensor Transform(Tensor x)
    {
        if (x.RowSize != Shift.Length) throw new ArgumentException($"scaler was fitted on {Shift.Length} features, got {x.RowSize}");
        var y = new Tensor(x.Shape);
        for (int r = 0; r < x.Rows; r++)
        {
            var src = x.Row(r);
            var dst = y.Row(r);
            for (int c = 0; c < src.Length; c++) dst[c] = (float)((src[c] - Shift[c]) / Scale[c]);
        }
        return y;
    }

    /// <summary>Fits on <paramref name="x"/> and scales it.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Per-column mean and population variance, accumulated in double like scikit-learn.</summary>
    private protected static (double[] Mean, double[] Variance) Moments(Tensor x)
    {
        int f = x.RowSize;
        var mean = new double[f];
        var variance = new double[f];
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < f; c++) mean[c] += row[c];
        }
        for (int c = 0; c < f; c++) mean[c] /= x.Rows;
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < f; c++) variance[c] += (row[c] - mean[c]) * (row[c] - mean[c]);
        }
        for (int c = 0; c < f; c++) variance[c] /= x.Rows;
        return (mean, variance);
    }
}
