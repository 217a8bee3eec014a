namespace Bottleneck.Analysis;

/// <summary>Settings of a 2-D map of a code space: the method, t-SNE's perplexity, the seed and threads.</summary>
public sealed record EmbedSettings
{
    public EmbedMethod Method { get; init; } = EmbedMethod.Tsne;
    public double Perplexity { get; init; } = 30;
    public uint Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Neighbours for trustworthiness and kNN accuracy.</summary>
    public int Neighbours { get; init; } = 5;

    public string MethodName => Method == EmbedMethod.Tsne ? "tsne" : "pca";

    public TsneSettings Tsne => new() { Perplexity = Perplexity, Seed = Seed, Threads = Threads };
}
