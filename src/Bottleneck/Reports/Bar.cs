namespace Bottleneck.Reports;

/// <summary>One category of a <see cref="BarChart"/>.</summary>
/// <param name="Label">Category name shown under the bar.</param>
/// <param name="Value">Bar height; NaN or infinity marks the bar as diverged.</param>
/// <param name="Error">Half-length of a symmetric error bar (e.g. a standard deviation), or null for none.</param>
internal readonly record struct Bar(string Label, double Value, double? Error = null);
