using System.Diagnostics;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Maps points (typically autoencoder codes) to 2-D by t-SNE or PCA and scores the result:
/// trustworthiness of the map, and the leave-one-out kNN accuracy of the labels in the original space.
/// </summary>
public static class CodeSpaceEmbedding
{
    /// <summary>Maps <paramref name="points"/> [n, d] to 2-D by <paramref name="settings"/> and scores the map against <paramref name="labels"/> when given; <paramref name="progress"/> gets t-SNE's iterations.</summary>
    public static EmbedOutcome Run(Tensor points, int[]? labels, EmbedSettings settings, Action<int>? progress = null, CancellationToken cancel = default)
    {
        int n = points.Rows, k = settings.Neighbours;
        if (labels is not null && labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} points");
        int bad = Array.FindIndex(points.Data, v => !float.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"point {bad / Math.Max(1, points.RowSize) + 1} holds a NaN or infinite value; nothing can be mapped from it");
        var clock = Stopwatch.StartNew();
        double[,] map;
        TsneResult? tsne = null;
        double[]? ratio = null;
        if (settings.Method == EmbedMethod.Tsne)
        {
            tsne = Tsne.Fit(points, settings.Tsne, progress, cancel);
            map = tsne.Embedding;
        }
        else
        {
            if (points.RowSize < 2) throw new ArgumentException($"PCA to 2-D needs at least 2 features, got {points.RowSize}");
            var pca = Pca.Fit(points, 2);
            map = pca.Transform(points);
            ratio = pca.ExplainedVarianceRatio;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double? trust = k < n / 2.0 ? Trustworthiness.Compute(points, map, k, settings.Threads) : null;
        double? accuracy = labels is not null && n > k ? KnnAccuracy.Compute(points, labels, k, settings.Threads) : null;
        return new EmbedOutcome(map, tsne?.KlDivergence, ratio, accuracy, trust, seconds, tsne);
    }
}
