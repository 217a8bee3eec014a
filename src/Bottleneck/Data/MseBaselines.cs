namespace Bottleneck.Data;

/// <summary>
/// What a reconstruction MSE should be compared with: the test MSE of predicting the mean training sample for every
/// input (a model that learned nothing about the input), and of predicting zeros (the data's mean square). A model
/// that scores worse than <see cref="MeanImage"/> has not learned yet, whatever its status says.
/// </summary>
public sealed record MseBaselines(double MeanImage, double Zeros)
{
    /// <summary>Both baselines on <paramref name="test"/>, the mean taken over <paramref name="train"/>; summed in a fixed order, so always the same numbers.</summary>
    public static MseBaselines Of(Dataset train, Dataset test)
    {
        int features = train.FeatureCount;
        if (test.FeatureCount != features) throw new ArgumentException($"the training data has {features} features per sample, the test data {test.FeatureCount}");
        var mean = new double[features];
        for (int i = 0; i < train.Count; i++)
        {
            var row = train.Features.Row(i);
            for (int j = 0; j < features; j++) mean[j] += row[j];
        }
        for (int j = 0; j < features; j++) mean[j] /= train.Count;
        double meanError = 0, zerosError = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var row = test.Features.Row(i);
            for (int j = 0; j < features; j++)
            {
                double x = row[j];
                meanError += (x - mean[j]) * (x - mean[j]);
                zerosError += x * x;
            }
        }
        double n = (double)test.Count * features;
        return new MseBaselines(meanError / n, zerosError / n);
    }

    /// <summary>A warning when <paramref name="mse"/> is no better than predicting the mean sample; null otherwise.</summary>
    public string? WorseThanMean(double mse, string what) =>
        double.IsFinite(mse) && mse >= MeanImage
            ? $"{what} has test MSE {Short(mse)}, no better than predicting the mean training sample ({Short(MeanImage)}): it has not learned the data yet; " +
              "train longer, or try another learning rate"
            : null;

    private static string Short(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}
