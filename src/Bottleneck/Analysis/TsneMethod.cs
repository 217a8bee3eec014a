namespace Bottleneck.Analysis;

/// <summary>How t-SNE computes its gradient.</summary>
public enum TsneMethod
{
    /// <summary>Exact up to <see cref="TsneSettings.ExactLimit"/> points, Barnes-Hut up to <see cref="TsneSettings.BarnesHutLimit"/>, FIt-SNE above.</summary>
    Auto,
    /// <summary>All n² pairs: O(n²) per iteration.</summary>
    Exact,
    /// <summary>Sparse affinities over 3·perplexity neighbours and a quadtree for the repulsion: O(n log n).</summary>
    BarnesHut,
    /// <summary>Sparse affinities as Barnes-Hut, and FIt-SNE's repulsion interpolated on a grid and convolved by FFT: O(n) plus the grid's transforms.</summary>
    Fft,
}
