namespace Bottleneck.Analysis;

/// <summary>
/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (in double):
/// A = V·diag(λ)·Vᵀ. Each rotation zeroes one off-diagonal entry; sweeps repeat until the
/// off-diagonal mass is negligible. Fine for d up to a few hundred.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>Eigenvalues λ [d] (unordered) and eigenvectors as the columns of V [d, d].</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] matrix, int maxSweeps = 100)
    {
        int d = matrix.GetLength(0);
        if (matrix.GetLength(1) != d) throw new ArgumentException("matrix must be square", nameof(matrix));
        var a = (double[,])matrix.Clone();
        var v = new double[d, d];
        for (int i = 0; i < d; i++) v[i, i] = 1;

        double scale = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) scale += a[i, j] * a[i, j];
        double tolerance = 1e-30 * Math.Max(scale, double.Epsilon);

        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++) off += a[p, q] * a[p, q];
            if (off <= tolerance) break;

            for (int p = 0; p < d; p++)
            {
                for (int q = p + 1; q < d; q++)
                {
                    double apq = a[p, q];
                    if (apq == 0) continue;
                    // Rotation angle θ with tan 2θ = 2·a_pq / (a_qq − a_pp); t = tan θ, the smaller root.
                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        var values = new double[d];
        for (int i = 0; i < d; i++) values[i] = a[i, i];
        return (values, v);
    }
}
