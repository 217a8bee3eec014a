namespace Bottleneck.Analysis;

/// <summary>What one robustness run was asked to do, for its run directory.</summary>
public sealed record RobustnessSettings
{
    public required string Checkpoint { get; init; }
    /// <summary>The dataset whose test images are corrupted; null until resolved to the one the checkpoint was trained on.</summary>
    public required string? Dataset { get; init; }
    public required int Samples { get; init; }
    public required IReadOnlyList<double> NoiseLevels { get; init; }
    public required IReadOnlyList<double> OcclusionLevels { get; init; }
    public bool Block { get; init; }
    public bool Clip { get; init; }
    public uint Seed { get; init; }
    /// <summary>The seed of the train/test split of digits and CSV data (the checkpoint's training seed, so its test images stay unseen).</summary>
    public uint SplitSeed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int BatchSize { get; init; } = Robustness.DefaultBatchSize;

    public Corruption Noise => Corruption.Noise(Clip);
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
