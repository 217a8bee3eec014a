namespace Bottleneck.Search;

/// <summary>A store already holds a different study than the one being opened on it; the message is one line naming the store.</summary>
public sealed class StudyMismatchException(string message) : Exception(message);
