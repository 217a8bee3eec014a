using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// t-SNE's input affinities, as scikit-learn 1.2 computes them. For each point i a binary search
/// finds the precision β_i for which the conditional distribution p_{j|i} ∝ exp(−β_i·‖x_i − x_j‖²)
/// has entropy ln(perplexity) (tolerance 1e-5, at most 100 steps); then P = (P_c + P_cᵀ) / Σ.
/// Exact: over all other points, each entry floored at machine epsilon. Sparse: over the
/// min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours.
/// </summary>
internal static class Affinities
{
    private const int Steps = 100;
    private const double Tolerance = 1e-5;
    private const double MinSum = 1e-8;
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Dense P [n·n], row-major, symmetric, zero-free (floored at machine epsilon), summing to ≈ 1.</summary>
    public static double[] Exact(Tensor x, double perplexity, WorkerPool pool)
    {
        int n = x.Rows;
        var conditional = new double[n * n];
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            var distances = new double[n];
            var p = new double[n];
            for (int i = start; i < end; i++)
            {
                for (int j = 0; j < n; j++) distances[j] = SquaredDistance(x.Row(i), x.Row(j));
                distances[i] = double.PositiveInfinity; // exp(−β·∞) = 0: p_{i|i} = 0
                Calibrate(distances, p, perplexity);
                p.AsSpan().CopyTo(conditional.AsSpan(i * n, n));
            }
        });
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) sum += 2 * (conditional[i * n + j] + conditional[j * n + i]);
        sum = Math.Max(sum, MachineEpsilon);
        var joint = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                joint[i * n + j] = i == j ? 0 : Math.Max((conditional[i * n + j] + conditional[j * n + i]) / sum, MachineEpsilon);
        return joint;
    }

    /// <summary>Sparse P over the nearest neighbours, symmetrised and normalised to sum 1.</summary>
    public static SparseAffinities Sparse(Tensor x, double perplexity, WorkerPool pool)
    {
        int n = x.Rows;
        int k = Math.Min(n - 1, (int)(3 * perplexity + 1));
        var (neighbours, distances) = NearestNeighbours.Find(x, k, pool);
        var conditional = new double[n * k];
        pool.For(Chunks.Into(n), (_, start, end) =>
        {
            var p = new double[k];
            for (int i = start; i < end; i++)
            {
                Calibrate(distances.AsSpan(i * k, k), p, perplexity);
                p.AsSpan().CopyTo(conditional.AsSpan(i * k, k));
            }
        });

        // P = P_c + P_cᵀ: every (i, j, p_{j|i}) also lands at (j, i); equal positions are added.
        var counts = new int[n + 1];
        for (int e = 0; e < n * k; e++)
        {
            counts[e / k + 1]++;
            counts[neighbours[e] + 1]++;
        }
        for (int i = 0; i < n; i++) counts[i + 1] += counts[i];
        var fill = counts[..n];
        var columns = new int[n * k * 2];
        var values = new double[n * k * 2];
        for (int e = 0; e < n * k; e++)
        {
            int i = e / k, j = neighbours[e];
            columns[fill[i]] = j; values[fill[i]++] = conditional[e];
            columns[fill[j]] = i; values[fill[j]++] = conditional[e];
        }
        var rowStart = new int[n + 1];
        var outColumns = new List<int>(n * k * 2);
        var outValues = new List<double>(n * k * 2);
        for (int i = 0; i < n; i++)
        {
            int s = counts[i], len = counts[i + 1] - counts[i];
            Array.Sort(columns, values, s, len);
            for (int e = s; e < s + len; e++)
            {
                if (e > s && columns[e] == columns[e - 1]) outValues[^1] += values[e];
                else
                {
                    outColumns.Add(columns[e]);
                    outValues.Add(values[e]);
                }
            }
            rowStart[i + 1] = outColumns.Count;
        }
        double total = 0;
        foreach (double v in outValues) total += v;
        total = Math.Max(total, MachineEpsilon);
        var normalised = outValues.Select(v => v / total).ToArray();
        return new SparseAffinities(rowStart, [.. outColumns], normalised);
    }

    /// <summary>
    /// Writes p_{j|i} ∝ exp(−β·d_j) into <paramref name="p"/> with β chosen by bisection so that the
    /// entropy H = ln Σ exp(−β·d) + β·Σ p·d equals ln(perplexity). Returns β.
    /// </summary>
    public static double Calibrate(ReadOnlySpan<double> squaredDistances, Span<double> p, double perplexity)
    {
        double desired = Math.Log(perplexity);
        double beta = 1, betaMin = double.NegativeInfinity, betaMax = double.PositiveInfinity;
        for (int step = 0; step < Steps; step++)
        {
            double sum = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] = Math.Exp(-squaredDistances[j] * beta);
                sum += p[j];
            }
            if (sum == 0) sum = MinSum;
            double weighted = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] /= sum;
                if (p[j] > 0) weighted += squaredDistances[j] * p[j];
            }
            double entropy = Math.Log(sum) + beta * weighted;
            double difference = entropy - desired;
            if (Math.Abs(difference) <= Tolerance) break;
            if (difference > 0)
            {
                betaMin = beta;
                beta = double.IsPositiveInfinity(betaMax) ? beta * 2 : (beta + betaMax) / 2;
            }
            else
            {
                betaMax = beta;
                beta = double.IsNegativeInfinity(betaMin) ? beta / 2 : (beta + betaMin) / 2;
            }
        }
        return beta;
    }

    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
