namespace Bottleneck.Analysis;

/// <summary>How t-SNE computes its gradient.</summary>
public enum TsneMethod
{
    /// <summary>Exact up to <see cref="TsneSettings.ExactLimit"/> points, Barnes-Hut above.</summary>
    Auto,
    /// <summary>All n² pairs: O(n²) per iteration.</summary>
    Exact,
    /// <summary>Sparse affinities over 3·perplexity neighbours and a quadtree for the repulsion: O(n log n).</summary>
    BarnesHut,
}
