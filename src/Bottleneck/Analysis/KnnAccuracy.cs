using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Leave-one-out k-nearest-neighbour accuracy: each point's label is predicted by the majority
/// label of its k nearest other points (Euclidean; distance ties to the smaller index; vote ties
/// to the smallest label), and the fraction predicted right is returned.
/// </summary>
public static class KnnAccuracy
{
    /// <summary>k when none is given (as in the t-SNE literature).</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>The leave-one-out accuracy of a k-nearest-neighbour vote on <paramref name="labels"/> among the rows of <paramref name="x"/>.</summary>
    public static double Compute(Tensor x, int[] labels, int k = DefaultNeighbours, int threads = 1) =>
        Compute(Points.From(x), labels, k, threads);

    /// <summary>The leave-one-out accuracy of a <paramref name="k"/>-nearest-neighbour vote on <paramref name="labels"/> among <paramref name="points"/>, on <paramref name="threads"/> threads.</summary>
    public static double Compute(double[,] points, int[] labels, int k = DefaultNeighbours, int threads = 1)
    {
        int n = points.GetLength(0);
        if (labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} points");
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{n - 1}, got {k}");
        var columns = new Points(points);
        var partial = new int[Chunks.Into(n).Count];
        using var pool = new WorkerPool(threads);
        pool.For(Chunks.Into(n), (chunk, start, end) =>
        {
            var distances = new double[Points.Rows * n];
            var votes = new Dictionary<int, int>();
            int right = 0;
            for (int i0 = start; i0 < end; i0 += Points.Rows)
            {
                int count = Math.Min(Points.Rows, end - i0);
                columns.SquaredDistances(i0, count, distances);
                for (int q = 0; q < count; q++)
                {
                    int i = i0 + q;
                    votes.Clear();
                    foreach (int j in Points.Nearest(distances.AsSpan(q * n, n), i, k))
                        votes[labels[j]] = votes.GetValueOrDefault(labels[j]) + 1;
                    int predicted = votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key).First().Key;
                    if (predicted == labels[i]) right++;
                }
            }
            partial[chunk] = right;
        });
        return (double)partial.Sum() / n;
    }
}
