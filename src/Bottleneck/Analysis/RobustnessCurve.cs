using Bottleneck.Data;

namespace Bottleneck.Analysis;

/// <summary>A model's reconstruction error under one corruption, level by level, on <see cref="Samples"/> images.</summary>
public sealed record RobustnessCurve(Corruption Corruption, int Samples, IReadOnlyList<RobustnessLevel> Levels);
