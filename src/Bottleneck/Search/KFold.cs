using Bottleneck.Tensors;

namespace Bottleneck.Search;

/// <summary>
/// scikit-learn's <c>KFold(n_splits=k, shuffle=True, random_state=seed)</c>, index for index:
/// the indices 0..n−1 are shuffled by numpy's legacy RandomState(seed), cut into k consecutive
/// folds (the first n mod k one longer), and each fold's validation indices are returned in
/// ascending order with the rest, also ascending, as its training indices.
/// </summary>
public static class KFold
{
    /// <summary>Splits samples 0…<paramref name="n"/>−1 into <paramref name="folds"/> folds after a shuffle seeded by <paramref name="seed"/>; one (train, validation) pair of index arrays per fold.</summary>
    public static IReadOnlyList<(int[] Train, int[] Validation)> Split(int n, int folds, uint seed)
    {
        if (folds < 2) throw new ArgumentException($"k-fold cross-validation needs at least 2 folds, got {folds}");
        if (n < folds) throw new ArgumentException($"{n} samples cannot be cut into {folds} folds");
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        new RandomState(seed).Shuffle(order);

        var splits = new List<(int[], int[])>(folds);
        int start = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = n / folds + (f < n % folds ? 1 : 0);
            var inFold = new bool[n];
            for (int i = start; i < start + size; i++) inFold[order[i]] = true;
            splits.Add(([.. Enumerable.Range(0, n).Where(i => !inFold[i])], [.. Enumerable.Range(0, n).Where(i => inFold[i])]));
            start += size;
        }
        return splits;
    }
}
