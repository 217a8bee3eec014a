namespace Bottleneck.Reports;

/// <summary>A run directory a report cannot be built from: results.json is missing or is not valid JSON. The message names the file.</summary>
public sealed class ReportSourceException(string message) : Exception(message);
