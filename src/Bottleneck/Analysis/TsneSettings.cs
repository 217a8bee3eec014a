namespace Bottleneck.Analysis;

/// <summary>
/// t-SNE settings; the defaults are scikit-learn 1.2's <c>TSNE(n_components=2)</c>: perplexity 30,
/// early exaggeration 12 for the first 250 iterations, learning rate "auto"
/// (max(n / early_exaggeration / 4, 50)), 1000 iterations, PCA initialisation, θ = 0.5.
/// </summary>
public sealed record TsneSettings
{
    /// <summary>Iterations with early exaggeration and momentum 0.5, before momentum 0.8.</summary>
    public const int ExplorationIterations = 250;
    /// <summary>The KL divergence is evaluated every this many iterations.</summary>
    public const int CheckEvery = 50;

    /// <summary>The effective number of neighbours each point's affinities spread over.</summary>
    public double Perplexity { get; init; } = 30;
    /// <summary>The factor P is multiplied by during the exploration iterations.</summary>
    public double EarlyExaggeration { get; init; } = 12;
    /// <summary>Step size; null for "auto".</summary>
    public double? LearningRate { get; init; }
    /// <summary>The most iterations run.</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Stop when the KL divergence (checked every 50 iterations) has not improved for this many iterations.</summary>
    public int IterationsWithoutProgress { get; init; } = 300;
    /// <summary>Stop when the gradient's norm falls below this.</summary>
    public double MinGradNorm { get; init; } = 1e-7;
    /// <summary>Barnes-Hut opening angle: a quadtree cell is summarised when its width / distance &lt; θ.</summary>
    public double Theta { get; init; } = 0.5;
    /// <summary>Exact, Barnes-Hut, FIt-SNE, or chosen by n.</summary>
    public TsneMethod Method { get; init; } = TsneMethod.Auto;
    /// <summary>Largest n for which <see cref="TsneMethod.Auto"/> chooses the exact method.</summary>
    public int ExactLimit { get; init; } = 1000;
    /// <summary>
    /// Largest n for which <see cref="TsneMethod.Auto"/> chooses Barnes-Hut; above it, FIt-SNE. Measured on 2 threads
    /// (PCA-20 Fashion-MNIST): Barnes-Hut's trees and repulsion took 10.8 s at 70,000 points against FIt-SNE's 38.0 s, and
    /// 88.2 s at 350,000 (five jittered copies) against 78.7 s; the power laws through those points cross near 300,000.
    /// </summary>
    public int BarnesHutLimit { get; init; } = 300_000;
    /// <summary>The initial map: PCA (scaled to std 1e-4) or random.</summary>
    public TsneInit Init { get; init; } = TsneInit.Pca;
    /// <summary>The seed of the random initial map and of PCA's sign convention.</summary>
    public uint Seed { get; init; }
    /// <summary>Threads for the per-point work; results do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The learning rate for <paramref name="n"/> points.</summary>
    public double LearningRateFor(int n) => LearningRate ?? Math.Max(n / EarlyExaggeration / 4, 50);

    /// <summary>The method used for <paramref name="n"/> points.</summary>
    public TsneMethod MethodFor(int n) =>
        Method != TsneMethod.Auto ? Method : n <= ExactLimit ? TsneMethod.Exact : n <= BarnesHutLimit ? TsneMethod.BarnesHut : TsneMethod.Fft;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate(int n)
    {
        Require.Positive(Perplexity, "perplexity");
        if (n < 2) throw new ArgumentException($"t-SNE needs at least 2 points, got {n}");
        if (Perplexity >= n) throw new SettingException("perplexity", $"({Require.Text(Perplexity)}) must be less than the number of points ({n})");
        if (!(EarlyExaggeration >= 1)) throw new ArgumentException($"early exaggeration must be at least 1, got {EarlyExaggeration}");
        if (LearningRate is { } lr && !(lr > 0)) throw new ArgumentException($"learning rate must be positive, got {lr}");
        if (Iterations < ExplorationIterations) throw new ArgumentException($"iterations must be at least {ExplorationIterations}, got {Iterations}");
        if (!(Theta >= 0)) throw new ArgumentException($"theta must be non-negative, got {Theta}");
        Require.Threads(Threads);
    }
}
