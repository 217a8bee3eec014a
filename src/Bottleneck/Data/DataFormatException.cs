namespace Bottleneck.Data;

/// <summary>Input data that cannot be used; the message names the file and the place, and says what was wrong.</summary>
public sealed class DataFormatException(string message) : Exception(message);
