using Bottleneck.Data;

namespace Bottleneck.Analysis;

/// <summary>What one robustness run was asked to do, for its run directory.</summary>
public sealed record RobustnessSettings
{
    /// <summary>The model file studied.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>More models studied on the same corrupted images, so their curves share one chart (a plain against a denoising one).</summary>
    public IReadOnlyList<string> Compare { get; init; } = [];
    /// <summary>A name for each model, <see cref="Checkpoint"/> first; empty names each by its run directory.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
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

    /// <summary>Every model studied, <see cref="Checkpoint"/> first.</summary>
    public IReadOnlyList<string> Checkpoints => [Checkpoint, .. Compare];

    /// <summary>The names of <see cref="Checkpoints"/>: <see cref="Labels"/>, or each file's folder name (made unique by its position).</summary>
    public IReadOnlyList<string> ModelLabels
    {
        get
        {
            if (Labels.Count > 0) return Labels;
            var names = Checkpoints.Select(c => Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(c))) is { Length: > 0 } folder ? folder : Path.GetFileName(c)).ToList();
            return [.. names.Select((n, i) => names.Count(m => m == n) > 1 ? $"{n} ({i + 1})" : n)];
        }
    }

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Labels.Count > 0 && Labels.Count != Checkpoints.Count)
            throw new SettingException("label", $"names {Labels.Count} models but {Checkpoints.Count} checkpoints are given (one label per checkpoint, in order)");
        if (Labels.Distinct().Count() != Labels.Count) throw new SettingException("label", "names two models alike");
        Require.AtLeast(Samples, 1, "samples");
        Require.Threads(Threads);
        Require.AtLeast(BatchSize, 1, "batch-size");
        if (NoiseLevels.Count == 0 && OcclusionLevels.Count == 0) throw new SettingException("noise", "and occlusion give no level to test");
        foreach (double level in NoiseLevels) Noise.ValidateLevel(level);
        foreach (double level in OcclusionLevels) Occlusion.ValidateLevel(level);
    }
}
