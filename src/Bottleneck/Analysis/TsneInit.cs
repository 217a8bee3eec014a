namespace Bottleneck.Analysis;

/// <summary>Where t-SNE's map starts.</summary>
public enum TsneInit
{
    /// <summary>The first two principal components, scaled so the first has std 1e-4 (scikit-learn's default since 1.2).</summary>
    Pca,
    /// <summary>1e-4 · standard normal from the seed's <see cref="Tensors.RandomState"/>.</summary>
    Random,
}
