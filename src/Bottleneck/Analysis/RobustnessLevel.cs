namespace Bottleneck.Analysis;

/// <summary>
/// One level of a robustness curve. MSEs are per image (mean over its values) against the clean
/// image: <see cref="MseMean"/> ± <see cref="MseStd"/> (population std over images) for the
/// reconstructions of the corrupted images, <see cref="InputMseMean"/> for the corrupted images
/// themselves (the "do nothing" baseline). The examples are the first images, corrupted and reconstructed.
/// </summary>
public sealed record RobustnessLevel(
    double Level, double MseMean, double MseStd, double InputMseMean,
    IReadOnlyList<float[]> CorruptedExamples, IReadOnlyList<float[]> ReconstructedExamples);
