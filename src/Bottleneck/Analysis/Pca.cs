using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Principal component analysis: the data [n, d] is centred and the top k eigenvectors of its
/// d×d covariance C = XcᵀXc / (n − 1) (Jacobi, in double) become the components [k, d].
/// Signs follow scikit-learn 1.2's <c>svd_flip</c> (u-based): in every component's scores on
/// the fitted data, the score of largest magnitude is positive, so results match sklearn's
/// <c>PCA(svd_solver="full")</c> exactly, sign included.
/// </summary>
public sealed class Pca
{
    /// <summary>Per-feature mean of the fitted data [d].</summary>
    public double[] Mean { get; }
    /// <summary>Components as rows [k, d], unit length, by decreasing variance.</summary>
    public double[,] Components { get; }
    /// <summary>Variance along each component (eigenvalues of C) [k].</summary>
    public double[] ExplainedVariance { get; }
    /// <summary>ExplainedVariance divided by the total variance (trace of C) [k].</summary>
    public double[] ExplainedVarianceRatio { get; }

    /// <summary>Components kept.</summary>
    public int ComponentCount => ExplainedVariance.Length;
    /// <summary>Features of the data it was fitted on.</summary>
    public int FeatureCount => Mean.Length;

    private Pca(double[] mean, double[,] components, double[] variance, double[] ratio)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = variance;
        ExplainedVarianceRatio = ratio;
    }

    /// <summary>Fits k components to <paramref name="x"/> [n, d] (n ≥ 2, 1 ≤ k ≤ d).</summary>
    public static Pca Fit(Tensor x, int k)
    {
        int n = x.Rows, d = x.RowSize;
        if (n < 2) throw new ArgumentException($"PCA needs at least 2 samples, got {n}", nameof(x));
        if (k < 1 || k > d) throw new ArgumentOutOfRangeException(nameof(k), $"PCA components must be in 1..{d}, got {k}");
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;

        // C = Σ_i (x_i − μ)(x_i − μ)ᵀ / (n − 1), upper triangle then mirrored.
        var cov = new double[d, d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++) centred[j] = row[j] - mean[j];
            for (int a = 0; a < d; a++)
            {
                double ca = centred[a];
                if (ca == 0) continue;
                for (int b = a; b < d; b++) cov[a, b] += ca * centred[b];
            }
        }
        double trace = 0;
        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                cov[a, b] /= n - 1;
                cov[b, a] = cov[a, b];
            }
            trace += cov[a, a];
        }

        var (values, vectors) = SymmetricEigen.Decompose(cov);
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var components = new double[k, d];
        var variance = new double[k];
        var ratio = new double[k];
        for (int c = 0; c < k; c++)
        {
            int e = order[c];
            variance[c] = Math.Max(values[e], 0);
            ratio[c] = trace > 0 ? variance[c] / trace : 0;
            for (int j = 0; j < d; j++) components[c, j] = vectors[j, e];
        }

        // svd_flip, u-based: the largest-magnitude score of each component is made positive.
        var best = new double[k];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (row[j] - mean[j]) * components[c, j];
                if (Math.Abs(s) > Math.Abs(best[c])) best[c] = s;
            }
        }
        for (int c = 0; c < k; c++)
            if (best[c] < 0)
                for (int j = 0; j < d; j++) components[c, j] = -components[c, j];
        return new Pca(mean, components, variance, ratio);
    }

    /// <summary>Scores of <paramref name="x"/> [m, d] on the components: (x − μ)·Componentsᵀ, [m, k] in double.</summary>
    public double[,] Transform(Tensor x)
    {
        int m = x.Rows, d = FeatureCount, k = ComponentCount;
        if (x.RowSize != d) throw new ArgumentException($"PCA was fitted on {d} features, got {x.RowSize}", nameof(x));
        var scores = new double[m, k];
        var centred = new double[d];
        for (int i = 0; i < m; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++) centred[j] = row[j] - Mean[j];
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += centred[j] * Components[c, j];
                scores[i, c] = s;
            }
        }
        return scores;
    }

    /// <summary>Fit and transform in one step.</summary>
    public static double[,] FitTransform(Tensor x, int k) => Fit(x, k).Transform(x);
}
