namespace Bottleneck.Data;

/// <summary>
/// How far the download of one file has got: reported once when it starts (0 bytes), after
/// every chunk, and once more with <see cref="Completed"/> when the file is verified and in place.
/// <see cref="Total"/> is null when the server does not say how long the file is.
/// </summary>
public readonly record struct DownloadProgress(Uri Url, string File, long Received, long? Total, bool Completed = false);
