using Bottleneck.Analysis;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

/// <summary>The exact k-nearest-neighbour search t-SNE's affinities start from, against the definition in double precision.</summary>
public class NearestNeighboursTests
{
    // Sizes straddle the vector width and the four points screened together; d = 1 and 33 have no whole SIMD row.
    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(7, 3, 5)]
    [InlineData(33, 1, 10)]
    [InlineData(130, 20, 90)]
    [InlineData(301, 33, 12)]
    public void Finds_the_k_nearest_by_squared_distance_in_double_precision_with_ties_to_the_smaller_index(int n, int d, int k)
    {
        var x = Points(n, d, seed: n);
        foreach (bool wide in new[] { true, false })
        {
            var (indices, distances) = NearestNeighbours.Find(x, k, WorkerPool.Serial, wide);
            for (int i = 0; i < n; i++)
            {
                var expected = Enumerable.Range(0, n).Where(j => j != i)
                    .Select(j => (D: SquaredDistance(x, i, j), J: j)).OrderBy(c => c.D).ThenBy(c => c.J).Take(k).ToArray();
                indices.AsSpan(i * k, k).ToArray().Should().Equal(expected.Select(c => c.J), $"the neighbours of point {i} (wide {wide})");
                distances.AsSpan(i * k, k).ToArray().Should().Equal(expected.Select(c => c.D), $"their distances from point {i} (wide {wide})");
            }
        }
    }

    // The 512-bit walk and Vector<float>'s keep the same candidates: every lane's sum is computed the same way.
    [Fact]
    public void Gives_the_same_neighbours_with_512_bit_vectors_and_with_the_portable_width()
    {
        var x = Points(2_003, 20, seed: 11);
        var wide = NearestNeighbours.Find(x, 90, WorkerPool.Serial, wide: true);
        var portable = NearestNeighbours.Find(x, 90, WorkerPool.Serial, wide: false);
        wide.Indices.Should().Equal(portable.Indices);
        wide.SquaredDistances.Should().Equal(portable.SquaredDistances);
    }

    [Fact]
    public void Points_at_one_place_and_equal_distances_go_in_index_order()
    {
        // A lattice on the integers: many equal distances, and points 0, 5 and 9 at one place.
        const int n = 40, d = 2;
        var x = new Tensor(n, d);
        for (int i = 0; i < n; i++)
        {
            x.Row(i)[0] = i % 5;
            x.Row(i)[1] = i / 5 % 3;
        }
        x.Row(5)[0] = x.Row(9)[0] = 0;
        x.Row(5)[1] = x.Row(9)[1] = 0;
        foreach (bool wide in new[] { true, false })
        {
            var (indices, distances) = NearestNeighbours.Find(x, 6, WorkerPool.Serial, wide);
            indices.AsSpan(0, 6).ToArray().Should().Equal([5, 9, 15, 30, 1, 16], $"wide {wide}");
            distances.AsSpan(0, 6).ToArray().Should().Equal([0, 0, 0, 0, 1, 1], $"wide {wide}");
        }
    }

    [Fact]
    public void Gives_the_same_neighbours_on_any_number_of_threads()
    {
        var x = Points(517, 20, seed: 3);
        var serial = NearestNeighbours.Find(x, 30, WorkerPool.Serial);
        using var pool = new WorkerPool(3);
        var parallel = NearestNeighbours.Find(x, 30, pool);
        parallel.Indices.Should().Equal(serial.Indices);
        parallel.SquaredDistances.Should().Equal(serial.SquaredDistances);
    }

    // Gaussian clusters of different spreads, so near and far neighbours both occur.
    private static Tensor Points(int n, int d, int seed)
    {
        var random = new RandomState((uint)seed);
        var x = new Tensor(n, d);
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) x.Row(i)[t] = (float)(3 * (i % 4) + random.NextGaussian() * (1 + i % 3));
        return x;
    }

    private static double SquaredDistance(Tensor x, int i, int j)
    {
        double sum = 0;
        for (int t = 0; t < x.RowSize; t++)
        {
            double diff = (double)x.Row(i)[t] - x.Row(j)[t];
            sum += diff * diff;
        }
        return sum;
    }
}
