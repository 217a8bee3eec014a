using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// A model's robustness as one run asked for it: the noise curve and the occlusion curve (those with levels), and
/// the first clean test images, which the example grids show beside their corrupted and reconstructed forms.
/// </summary>
public sealed record RobustnessResult(IReadOnlyList<RobustnessCurve> Curves, IReadOnlyList<float[]> CleanExamples)
{
    /// <summary>How many test images each level keeps, corrupted and reconstructed, for the example grids.</summary>
    public const int ExampleImages = 3;

    /// <param name="progress">Called after each level with the curve's kind of corruption.</param>
    /// <param name="settings">The levels, corruptions, seed and batch size.</param>
    /// <param name="model">The trained autoencoder.</param>
    /// <param name="test">The test images (the first <see cref="RobustnessSettings.Samples"/> are used).</param>
    public static RobustnessResult Compute(RobustnessSettings settings, Autoencoder model, Dataset test, Action<Corruption, RobustnessLevel>? progress = null)
    {
        settings.Validate();
        using var workers = settings.Threads > 1 ? new WorkerPool(settings.Threads) : null;
        model.Workers = workers ?? WorkerPool.Serial;
        try
        {
            var curves = new List<RobustnessCurve>();
            foreach (var (corruption, levels) in new[] { (settings.Noise, settings.NoiseLevels), (settings.Occlusion, settings.OcclusionLevels) })
                if (levels.Count > 0)
                    curves.Add(Robustness.Run(model, test, corruption, levels, settings.Seed, settings.BatchSize, ExampleImages, row => progress?.Invoke(corruption, row)));
            var clean = Enumerable.Range(0, Math.Min(ExampleImages, test.Count)).Select(i => test.Features.Row(i).ToArray()).ToList();
            return new RobustnessResult(curves, clean);
        }
        finally
        {
            model.Workers = WorkerPool.Serial;
        }
    }
}
