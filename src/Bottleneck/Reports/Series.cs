namespace Bottleneck.Reports;

/// <summary>
/// One named curve for <see cref="LineChart"/>: point i is (<paramref name="X"/>[i], <paramref name="Y"/>[i]).
/// Non-finite values are allowed and leave a gap, which is how a diverged run shows up.
/// </summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Horizontal coordinates, typically epochs or steps; same length as <paramref name="Y"/>.</param>
/// <param name="Y">Vertical coordinates, typically a loss or metric.</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
