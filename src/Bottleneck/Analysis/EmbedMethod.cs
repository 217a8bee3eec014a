namespace Bottleneck.Analysis;

/// <summary>How <see cref="CodeSpaceEmbedding"/> maps points to two dimensions.</summary>
public enum EmbedMethod { Tsne, Pca }
