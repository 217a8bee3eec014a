namespace Bottleneck.Search;

/// <summary>
/// A study storage that cannot be used as given (a server that cannot be reached, a refused login, a missing database,
/// missing rights), or one that went away mid-study for longer than the store retries (<see cref="Lost"/>). The message
/// is one line and never holds a password.
/// </summary>
public sealed class StorageException(string message, Exception? inner = null, bool lost = false) : Exception(message, inner)
{
    /// <summary>The storage worked, then stayed unreachable for longer than the store retries: the run failed, its committed folds kept.</summary>
    public bool Lost { get; } = lost;
}
