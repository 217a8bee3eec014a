namespace Bottleneck.Analysis;

/// <summary>Settings of a 2-D map of a code space: the method, t-SNE's perplexity, the seed and threads.</summary>
public sealed record EmbedSettings
{
    /// <summary>t-SNE or PCA.</summary>
    public EmbedMethod Method { get; init; } = EmbedMethod.Tsne;
    /// <summary>t-SNE's perplexity: the effective number of neighbours each point's affinities spread over.</summary>
    public double Perplexity { get; init; } = 30;
    /// <summary>The seed of t-SNE's initial map (after PCA) and of the points sampled.</summary>
    public uint Seed { get; init; }
    /// <summary>Threads for the per-point work; results do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>How t-SNE computes its gradient (by default chosen by the number of points).</summary>
    public TsneMethod TsneMethod { get; init; } = TsneMethod.Auto;
    /// <summary>Neighbours for trustworthiness and kNN accuracy.</summary>
    public int Neighbours { get; init; } = 5;

    /// <summary>"tsne" or "pca", as results files name it.</summary>
    public string MethodName => Method == EmbedMethod.Tsne ? "tsne" : "pca";

    /// <summary>The t-SNE settings these give.</summary>
    public TsneSettings Tsne => new() { Perplexity = Perplexity, Seed = Seed, Threads = Threads, Method = TsneMethod };

    /// <summary>"tsne" or "pca"; a <see cref="SettingException"/> for anything else.</summary>
    public static EmbedMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "tsne" => EmbedMethod.Tsne,
        "pca" => EmbedMethod.Pca,
        _ => throw new SettingException("method", $"'{name}' is unknown (expected tsne or pca)"),
    };

    /// <summary>"auto", "exact", "barnes-hut" or "fft"; a <see cref="SettingException"/> for anything else.</summary>
    public static TsneMethod ParseTsneMethod(string name) => name.ToLowerInvariant() switch
    {
        "auto" => TsneMethod.Auto,
        "exact" => TsneMethod.Exact,
        "barnes-hut" => TsneMethod.BarnesHut,
        "fft" => TsneMethod.Fft,
        _ => throw new SettingException("t-SNE method", $"'{name}' is unknown (expected auto, exact, barnes-hut or fft)"),
    };

    /// <summary>Throws a <see cref="SettingException"/> unless the settings work on their own.</summary>
    public void Validate()
    {
        Require.Positive(Perplexity, "perplexity");
        Require.Threads(Threads);
    }

    /// <summary>Throws unless <paramref name="points"/> rows of <paramref name="values"/> values each suit the method.</summary>
    public void Validate(int points, int values)
    {
        Validate();
        if (points < 2) throw new ArgumentException($"need at least 2 points to embed, got {points}");
        if (Method == EmbedMethod.Tsne && Perplexity >= points)
            throw new SettingException("perplexity", $"({Require.Text(Perplexity)}) must be less than the number of points ({points})");
        if (Method == EmbedMethod.Pca && values < 2) throw new ArgumentException($"PCA to 2-D needs at least 2 values per point, got {values}");
    }
}
