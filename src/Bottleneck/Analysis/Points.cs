using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>Rows of points as double[n, d], and the Euclidean distance between two rows.</summary>
public static class Points
{
    /// <summary>A [n, …] tensor as double[n, d].</summary>
    public static double[,] From(Tensor x)
    {
        int n = x.Rows, d = x.RowSize;
        var points = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++) points[i, j] = row[j];
        }
        return points;
    }

    public static double SquaredDistance(double[,] points, int a, int b)
    {
        double s = 0;
        for (int j = 0; j < points.GetLength(1); j++)
        {
            double d = points[a, j] - points[b, j];
            s += d * d;
        }
        return s;
    }

    /// <summary>The k nearest other rows of row i (ties to the smaller index), nearest first.</summary>
    public static int[] Neighbours(double[,] points, int i, int k, double[] distances)
    {
        int n = points.GetLength(0);
        var best = new int[k];
        int size = 0;
        for (int j = 0; j < n; j++)
        {
            if (j == i) continue;
            double d = distances[j] = SquaredDistance(points, i, j);
            // Insertion into the sorted k best; j ascends, so an equal distance stays behind.
            if (size == k && !(d < distances[best[k - 1]])) continue;
            int at = size < k ? size++ : k - 1;
            while (at > 0 && d < distances[best[at - 1]])
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = j;
        }
        return best;
    }
}
