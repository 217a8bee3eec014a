namespace Bottleneck.Search;

/// <summary>
/// Where a study keeps its trials and their results. Implementations must be safe for several
/// processes (and threads) using one store at once: every write is durable before the call
/// returns, so a study killed at any point resumes from its last finished fold.
/// </summary>
/// <remarks>
/// A worker's loop: <see cref="ClaimNext"/>; for each fold, skip it if <see cref="Stages"/> has it,
/// else run it and <see cref="SaveStage"/> under the claim; then <see cref="Complete"/> (or <see cref="Release"/>
/// when stopped, <see cref="Fail"/> when the trial threw). Meanwhile <see cref="Heartbeat"/> every few seconds
/// from a timer. A commit under a claim the worker no longer holds throws <see cref="ClaimLostException"/> and
/// stores nothing (fencing by the claim's token).
/// </remarks>
internal interface IStudyStore : IDisposable
{
    /// <summary>
    /// First use: records the study's definition (a JSON string), the fingerprint of its data, and this Bottleneck's
    /// version. Later uses: throws <see cref="StudyMismatchException"/> (one clear line) unless the stored definition
    /// is the same JSON text, the data the same, and the version this one.
    /// </summary>
    void Open(string definitionJson, string? fingerprint = null);

    /// <summary>The definition recorded by the first <see cref="Open"/>; null when no study was opened on the store yet.</summary>
    string? Definition { get; }

    /// <summary>
    /// Every invocation that ran the study, in order, each a JSON record (its command, when it started, the
    /// settings not in the definition); the first is the one that started it.
    /// </summary>
    IReadOnlyList<string> Invocations();

    /// <summary>Appends an invocation to <see cref="Invocations"/>, durably.</summary>
    void AddInvocation(string json);

    /// <summary>The store as messages name it (a file's path, a database and study); never with a password.</summary>
    string Name { get; }

    /// <summary>
    /// Adds trials by key (idempotent; keys are canonical JSON of a trial's parameters), keeping
    /// first-insertion order.
    /// </summary>
    void AddTrials(IReadOnlyList<string> keys);

    /// <summary>
    /// Atomically claims the first trial (in insertion order) that is not finished and not claimed by a
    /// live worker; null when none is left. A claim by a worker that is no longer alive (its process has
    /// exited: same host and PID gone, or its heartbeat older than the grace period) counts as free.
    /// </summary>
    Claim? ClaimNext(string worker);

    /// <summary>Keeps the worker's claims alive, and the worker listed as live (call every few seconds while working).</summary>
    void Heartbeat(string worker);

    /// <summary>
    /// Stores an intermediate result of a trial (e.g. stage "b20/fold0") durably before returning; idempotent per
    /// (key, stage): saving a stage again replaces its JSON. Under a <paramref name="claim"/> of <paramref name="worker"/>,
    /// only while that claim is still the trial's (else <see cref="ClaimLostException"/>).
    /// </summary>
    void SaveStage(string key, string stage, string json, Claim? claim = null, string? worker = null);

    /// <summary>The trial's saved stages, in the order they were first saved.</summary>
    IReadOnlyDictionary<string, string> Stages(string key);

    /// <summary>
    /// Stores the trial's final result and releases its claim. A trial finished already keeps its
    /// first result. Under a claim, only while that claim is still the trial's (else <see cref="ClaimLostException"/>).
    /// </summary>
    void Complete(string key, string resultJson, Claim? claim = null, string? worker = null);

    /// <summary>Gives up <paramref name="worker"/>'s claim (nothing happens if another worker holds the trial now).</summary>
    void Release(Claim claim, string worker);

    /// <summary>
    /// Counts a failure of the claimed trial and releases it; once it has failed more than <paramref name="maxRetries"/>
    /// times, stores <paramref name="failedResultJson"/> as its result. Returns the trial's failures so far.
    /// </summary>
    int Fail(Claim claim, string worker, string error, int maxRetries, string failedResultJson);

    /// <summary>
    /// Records a pruner's decision to run a trial at a larger budget: adds <paramref name="key"/> as a trial (as
    /// <see cref="AddTrials"/> does) and <paramref name="decisionJson"/> with it, in one transaction. Idempotent: a key
    /// promoted already keeps its first decision, so workers that decide the same at once record it once.
    /// </summary>
    void Promote(string key, string decisionJson);

    /// <summary>Every <see cref="Promote"/> decision, in the order they were made.</summary>
    IReadOnlyList<string> Promotions();

    /// <summary>Adds <paramref name="seconds"/> to the time <paramref name="worker"/> sat with nothing to do.</summary>
    void AddIdle(string worker, double seconds);

    /// <summary>Each worker's idle seconds so far (workers that never sat idle may be missing).</summary>
    IReadOnlyDictionary<string, double> IdleSeconds();

    /// <summary>Every trial in insertion order with its result (null while unfinished).</summary>
    IReadOnlyList<StoredTrial> Trials();

    /// <summary>How long a claim stays taken without a heartbeat; workers beat well within it.</summary>
    TimeSpan Grace { get; }

    /// <summary>The workers whose heartbeat is within the grace period.</summary>
    IReadOnlyList<string> LiveWorkers();
}
