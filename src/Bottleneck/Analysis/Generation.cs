using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// What a variational autoencoder's decoder makes of codes it never saw: samples from the prior N(0, I), the straight
/// line between the codes (μ) of two inputs, and for a 2-D code the classic manifold grid, a regular grid of the unit
/// square mapped through the inverse normal CDF so that every cell holds the same prior mass (Kingma and Welling 2014, fig. 4).
/// </summary>
public static class Generation
{
    /// <summary>Decodes <paramref name="count"/> codes drawn from N(0, I) by <paramref name="rng"/>; one image (row) each.</summary>
    public static Tensor PriorSamples(Autoencoder model, int count, RandomState rng)
    {
        var z = new Tensor(count, model.CodeSize);
        for (int i = 0; i < z.Length; i++) z[i] = (float)rng.NextGaussian();
        return Decode(model, z);
    }

    /// <summary>
    /// For each pair (a, b) of rows of <paramref name="inputs"/>, the decoded codes (1 − t)·μ(a) + t·μ(b) at
    /// <paramref name="steps"/> evenly spaced t from 0 to 1: rows pair by pair, <paramref name="steps"/> images each.
    /// </summary>
    public static Tensor Interpolations(Autoencoder model, Tensor inputs, IReadOnlyList<(int A, int B)> pairs, int steps)
    {
        var codes = CodeSpace.Encode(model, inputs);
        int d = model.CodeSize;
        var z = new Tensor(pairs.Count * steps, d);
        for (int p = 0; p < pairs.Count; p++)
            for (int s = 0; s < steps; s++)
            {
                float t = steps == 1 ? 0 : (float)s / (steps - 1);
                var a = codes.Row(pairs[p].A);
                var b = codes.Row(pairs[p].B);
                var row = z.Row(p * steps + s);
                for (int k = 0; k < d; k++) row[k] = (1 - t) * a[k] + t * b[k];
            }
        return Decode(model, z);
    }

    /// <summary>
    /// A 2-D code's manifold: the decoded codes (Φ⁻¹(u), Φ⁻¹(v)) for u, v at the centres of a <paramref name="size"/> ×
    /// <paramref name="size"/> grid of the unit square; row by row, the first code coordinate across a row.
    /// </summary>
    public static Tensor Manifold(Autoencoder model, int size)
    {
        if (model.CodeSize != 2) throw new ArgumentException($"the manifold grid is for a 2-D code; this model's code has {model.CodeSize} dimensions");
        var z = new Tensor(size * size, 2);
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
            {
                z[2 * (r * size + c)] = (float)NormalQuantile((c + 0.5) / size);
                // Rows top to bottom run from high to low, as a plot's y axis does.
                z[2 * (r * size + c) + 1] = (float)NormalQuantile(1 - (r + 0.5) / size);
            }
        return Decode(model, z);
    }

    // The decoder's outputs for the codes z: [n, d], in batches, in eval mode.
    private static Tensor Decode(Autoencoder model, Tensor z)
    {
        model.Eval();
        int n = z.Rows, d = z.RowSize, features = Tensor.ElementCount(model.OutputShape);
        var images = new Tensor(n, features);
        const int Batch = 256;
        for (int start = 0; start < n; start += Batch)
        {
            int count = Math.Min(Batch, n - start);
            var codes = new Tensor(count, d);
            z.Data.AsSpan(start * d, count * d).CopyTo(codes.Data);
            model.Decoder.Forward(codes).Data.AsSpan(0, count * features).CopyTo(images.Data.AsSpan(start * features));
        }
        return images;
    }

    // Φ⁻¹(p), the standard normal quantile, by Acklam's rational approximation (relative error below 1.2e-9): written out
    // because it is this one function that a manifold grid needs from a statistics library.
    internal static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"the normal quantile needs 0 < p < 1, got {p}");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double Low = 0.02425;
        if (p < Low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - Low) return -NormalQuantile(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
