namespace Bottleneck.Search;

/// <summary>
/// One trial as a store holds it: its key (canonical JSON of its parameters), its final result
/// (null while unfinished) and the worker that claims it (null when unclaimed; the claim may be stale).
/// </summary>
internal sealed record StoredTrial(string Key, string? ResultJson, string? ClaimedBy);
