using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// A shuffled train/test split that reproduces scikit-learn's
/// <c>train_test_split(X, test_size=f, random_state=seed)</c> index for index:
/// n_test = ⌈f·n⌉, p = RandomState(seed).permutation(n), test = p[:n_test], train = p[n_test:].
/// </summary>
public static class TrainTestSplit
{
    /// <summary>A shuffle of 0…<paramref name="n"/>−1 seeded by <paramref name="seed"/>, cut into train and test indices with <paramref name="testFraction"/> of them (rounded) for testing.</summary>
    public static (int[] Train, int[] Test) Indices(int n, double testFraction, uint seed)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentException($"test fraction must lie strictly between 0 and 1, got {testFraction}");
        int nTest = (int)Math.Ceiling(testFraction * n);
        int nTrain = n - nTest;
        if (nTest < 1 || nTrain < 1)
            throw new ArgumentException($"{n} samples cannot be split {1 - testFraction:0.##}/{testFraction:0.##}: one side would be empty");
        var p = new RandomState(seed).Permutation(n);
        return (p[nTest..], p[..nTest]);
    }

    /// <summary>Splits <paramref name="data"/> by <see cref="Indices"/>.</summary>
    public static (Dataset Train, Dataset Test) Split(Dataset data, double testFraction, uint seed)
    {
        var (train, test) = Indices(data.Count, testFraction, seed);
        return (data.Subset(train, data.Name), data.Subset(test, data.Name));
    }
}
