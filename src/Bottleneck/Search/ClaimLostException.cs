namespace Bottleneck.Search;

/// <summary>
/// A worker tried to commit a fold or a trial whose claim it no longer holds: its heartbeat lapsed (a dropped
/// connection, a stalled machine) and the trial went to another worker. The store kept nothing of the commit.
/// </summary>
public sealed class ClaimLostException(string message) : Exception(message)
{
    internal static ClaimLostException For(string key) =>
        new($"trial {key} was handed to another worker after this one's heartbeat lapsed; this worker's result for it is discarded");
}
