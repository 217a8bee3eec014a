namespace Bottleneck;

/// <summary>
/// An input file that cannot be used (a dataset, a model or pipeline file, a checkpoint, a study store):
/// the message names the file and the place, and says what was wrong.
/// </summary>
public sealed class DataFormatException(string message) : Exception(message);
