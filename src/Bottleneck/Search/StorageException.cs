namespace Bottleneck.Search;

/// <summary>
/// A study storage that cannot be used as given: a server that cannot be reached, a refused login, a missing
/// database, missing rights. The message is one line and never holds a password.
/// </summary>
public sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner);
