namespace Bottleneck.Data;

/// <summary>A download that failed on every mirror; the message says which URL failed and how, one mirror after another.</summary>
public sealed class DownloadException(string message) : IOException(message);
