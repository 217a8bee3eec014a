namespace Bottleneck.Analysis;

/// <summary>
/// A 2-D map [n, 2] of n points with its quality: t-SNE's final KL divergence (null for PCA),
/// PCA's explained variance ratio of the two axes (null for t-SNE), the leave-one-out kNN accuracy
/// of the labels in the original (code) space (null without labels), the trustworthiness of the
/// map (null with too few points), and the seconds the embedding took.
/// </summary>
public sealed record EmbedOutcome(
    double[,] Map,
    double? KlDivergence,
    double[]? ExplainedVarianceRatio,
    double? KnnAccuracy,
    double? Trustworthiness,
    double Seconds,
    TsneResult? Tsne);
