namespace Bottleneck.Search;

/// <summary>
/// A store already holds a different study than the one being opened on it; the message is one line naming the store.
/// <see cref="Resumable"/>: whether continuing the stored study with its own settings would work (it would not when the
/// data, or the Bottleneck that made it, differ).
/// </summary>
public sealed class StudyMismatchException(string message, bool resumable = false) : Exception(message)
{
    /// <summary>Whether the stored study can be continued as it was defined, by this Bottleneck on this data.</summary>
    public bool Resumable { get; } = resumable;
}
