using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// Study B's robustness test: corrupt the test images at each level, reconstruct them in eval
/// mode, and score the reconstruction against the clean image. Level ℓ's damage comes from its
/// own stream, seeded by (seed, corruption, ℓ), so a level's numbers do not depend on the other
/// levels asked for, the batch size or the model's worker threads.
/// </summary>
public static class Robustness
{
    /// <summary>Images per forward pass when none is given.</summary>
    public const int DefaultBatchSize = 256;

    /// <param name="examples">How many of the first images to keep, corrupted and reconstructed, per level.</param>
    /// <param name="progress">Called after each level.</param>
    /// <param name="model">The trained autoencoder, put in eval mode.</param>
    /// <param name="data">The (test) images corrupted.</param>
    /// <param name="corruption">What is done to them.</param>
    /// <param name="levels">The noise σ or occluded fractions, in order.</param>
    /// <param name="seed">The seed of the corruptions: the same seed corrupts the same pixels the same way.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static RobustnessCurve Run(Autoencoder model, Dataset data, Corruption corruption, IReadOnlyList<double> levels, uint seed,
                                      int batchSize = DefaultBatchSize, int examples = 0, Action<RobustnessLevel>? progress = null)
    {
        CheckFits(model, data);
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        if (data.Count == 0) throw new ArgumentException($"{data.Name} has no samples to corrupt");
        foreach (double level in levels) corruption.ValidateLevel(level);

        var rows = new List<RobustnessLevel>(levels.Count);
        foreach (double level in levels)
        {
            var rng = new RandomState(RandomState.Derive(seed, $"{corruption.Name}/{level:R}"));
            var corrupted = corruption.Apply(data.Features, data.ImageShape, level, rng);
            var inputErrors = new double[data.Count];
            for (int i = 0; i < data.Count; i++) inputErrors[i] = Reconstructions.Mse(corrupted.Row(i), data.Features.Row(i));
            var (errors, reconstructed) = Reconstructions.Score(model, corrupted, data.Features, batchSize, Math.Min(examples, data.Count));
            var (mean, std) = MeanStd(errors);
            var row = new RobustnessLevel(level, mean, std, MeanStd(inputErrors).Mean,
                [.. Enumerable.Range(0, reconstructed.Count).Select(i => corrupted.Row(i).ToArray())], reconstructed);
            rows.Add(row);
            progress?.Invoke(row);
        }
        return new RobustnessCurve(corruption, data.Count, rows);
    }

    /// <summary>Throws unless the model takes (and gives back) samples of the data's size.</summary>
    public static void CheckFits(Autoencoder model, Dataset data)
    {
        int inputs = Tensor.ElementCount(model.InputShape);
        if (inputs != data.FeatureCount)
            throw new ArgumentException($"the model takes [{string.Join(", ", model.InputShape)}] inputs ({inputs} values), " +
                                        $"{data.Name} has [{string.Join(", ", data.SampleShape)}] ({data.FeatureCount} values)");
        if (Tensor.ElementCount(model.OutputShape) != inputs)
            throw new ArgumentException($"the model gives [{string.Join(", ", model.OutputShape)}] outputs for [{string.Join(", ", model.InputShape)}] inputs; it is not an autoencoder of its input");
    }

    private static (double Mean, double Std) MeanStd(double[] values)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        return (mean, Math.Sqrt(variance));
    }
}
