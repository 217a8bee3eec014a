namespace Bottleneck.Reports;

/// <summary>
/// One named curve for <see cref="LineChart"/>: point i is (<paramref name="X"/>[i], <paramref name="Y"/>[i]).
/// Non-finite values are allowed and leave a gap, which is how a diverged run shows up.
/// </summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Horizontal coordinates, typically epochs or steps; same length as <paramref name="Y"/>.</param>
/// <param name="Y">Vertical coordinates, typically a loss or metric.</param>
/// <param name="Group">Series of one group share a colour (a fold's train and validation curves); null gives each its own.</param>
/// <param name="Dashed">Drawn dashed, to tell the series of a group apart (train dashed, validation solid).</param>
/// <param name="Error">Half the height of an error bar at each point (a standard deviation); null or non-finite for none.</param>
internal sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, int? Group = null, bool Dashed = false,
                            IReadOnlyList<double>? Error = null);
