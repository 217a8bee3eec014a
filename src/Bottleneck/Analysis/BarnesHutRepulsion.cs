using Bottleneck.Tensors;
namespace Bottleneck.Analysis;

/// <summary>
/// Barnes-Hut: a quadtree rebuilt every iteration, and for each group of nearby points one walk that lists the
/// cells far enough away (width / distance &lt; θ) to stand in for their points. O(n log n) per iteration.
/// </summary>
internal sealed class BarnesHutRepulsion(double theta, WorkerPool pool) : Repulsion
{
    private readonly QuadTree _tree = new();
    private readonly InteractionList[] _lists = [.. Enumerable.Range(0, Chunks.Pieces).Select(_ => new InteractionList())];

    public override void Compute(double[] y, double[] sumQ, double[] negative)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        _tree.Build(y);
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        pool.For(Chunks.Into(_tree.GroupCount), (chunk, start, end) =>
        {
            var list = _lists[chunk];
            for (int g = start; g < end; g++)
            {
                _tree.Interactions(g, theta, list);
                foreach (int i in _tree.GroupPoints(g))
                {
                    var (q, fx, fy) = list.Repulsion(y[2 * i], y[2 * i + 1]);
                    sumQ[i] = q;
                    negative[2 * i] = fx;
                    negative[2 * i + 1] = fy;
                }
            }
        });
        if (Profile is { } profile)
        {
            profile.TreeBuild += System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            profile.Repulsive += System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalSeconds;
        }
    }
}
