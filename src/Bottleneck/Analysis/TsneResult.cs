namespace Bottleneck.Analysis;

/// <summary>
/// A t-SNE map: <see cref="Embedding"/> [n, 2]; the KL divergence of the last iteration
/// (scikit-learn's <c>kl_divergence_</c>); the KL divergence at every 50th iteration
/// (during the first 250 it is measured against the exaggerated affinities, as sklearn's);
/// and the index of the last iteration run (sklearn's <c>n_iter_</c>).
/// </summary>
public sealed record TsneResult(
    double[,] Embedding,
    double KlDivergence,
    IReadOnlyList<(int Iteration, double Kl)> KlHistory,
    int LastIteration,
    TsneMethod Method,
    double LearningRate);
