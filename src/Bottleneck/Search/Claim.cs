namespace Bottleneck.Search;

/// <summary>
/// A worker's hold on one trial: its key and the claim's token. The store raises the token at every claim of the
/// trial, so a worker whose claim was handed to another (its heartbeat lapsed) holds an old token, and the store
/// refuses what it commits after that (<see cref="ClaimLostException"/>): fencing, so no fold is counted twice.
/// </summary>
internal readonly record struct Claim(string Key, long Token);
