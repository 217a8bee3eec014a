namespace Bottleneck.Analysis;

/// <summary>How <see cref="CodeSpaceEmbedding"/> maps points to two dimensions.</summary>
public enum EmbedMethod
{
    /// <summary>t-SNE (van der Maaten and Hinton), exact or Barnes-Hut.</summary>
    Tsne,
    /// <summary>The first two principal components.</summary>
    Pca,
}
