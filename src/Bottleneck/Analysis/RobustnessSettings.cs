namespace Bottleneck.Analysis;

/// <summary>What one robustness run was asked to do, for its run directory.</summary>
public sealed record RobustnessSettings
{
    /// <summary>The model file studied.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>The dataset whose test images are corrupted; null until resolved to the one the checkpoint was trained on.</summary>
    public required string? Dataset { get; init; }
    /// <summary>Test images corrupted at each level.</summary>
    public required int Samples { get; init; }
    /// <summary>Standard deviations of the Gaussian noise.</summary>
    public required IReadOnlyList<double> NoiseLevels { get; init; }
    /// <summary>Fractions of each image hidden.</summary>
    public required IReadOnlyList<double> OcclusionLevels { get; init; }
    /// <summary>Occlusion by one square block instead of scattered pixels.</summary>
    public bool Block { get; init; }
    /// <summary>Clip noisy inputs to [0, 1].</summary>
    public bool Clip { get; init; }
    /// <summary>The seed of the corruptions.</summary>
    public uint Seed { get; init; }
    /// <summary>The seed of the train/test split of digits and CSV data (the checkpoint's training seed, so its test images stay unseen).</summary>
    public uint SplitSeed { get; init; }
    /// <summary>Threads for the forward passes; results do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = Robustness.DefaultBatchSize;

    /// <summary>The noise corruption these settings ask for.</summary>
    public Corruption Noise => Corruption.Noise(Clip);
    /// <summary>The occlusion corruption these settings ask for.</summary>
    public Corruption Occlusion => Block ? Corruption.Block() : Corruption.Pixels();

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Samples, 1, "samples");
        Require.Threads(Threads);
        Require.AtLeast(BatchSize, 1, "batch-size");
        if (NoiseLevels.Count == 0 && OcclusionLevels.Count == 0) throw new SettingException("noise", "and occlusion give no level to test");
        foreach (double level in NoiseLevels) Noise.ValidateLevel(level);
        foreach (double level in OcclusionLevels) Occlusion.ValidateLevel(level);
    }
}
