namespace Bottleneck.Analysis;

/// <summary>
/// The repulsive half of sparse t-SNE's gradient: for every point i of the map, Σ_{j≠i} w_ij (whose sum over i is
/// Q's normaliser Z) and Σ_j w_ij²·(y_i − y_j), with w_ij = 1 / (1 + ‖y_i − y_j‖²), both approximated.
/// </summary>
internal abstract class Repulsion
{
    public TsneProfile? Profile { get; set; }

    /// <summary>Fills sumQ [n] and negative [2n] for the map y [2n] (point i at (y[2i], y[2i + 1])).</summary>
    public abstract void Compute(double[] y, double[] sumQ, double[] negative);
}
