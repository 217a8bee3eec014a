namespace Bottleneck.Search;

/// <summary>
/// Where a study keeps its trials and their results. Implementations must be safe for several
/// processes (and threads) using one store at once: every write is durable before the call
/// returns, so a study killed at any point resumes from its last finished fold.
/// </summary>
/// <remarks>
/// A worker's loop: <see cref="ClaimNext"/>; for each fold, skip it if <see cref="Stages"/> has it,
/// else run it and <see cref="SaveStage"/>; then <see cref="Complete"/> (or <see cref="Release"/> on
/// failure). Meanwhile <see cref="Heartbeat"/> every few seconds from a timer.
/// </remarks>
internal interface IStudyStore : IDisposable
{
    /// <summary>
    /// First use: records the study's definition (a JSON string). Later uses: throws
    /// <see cref="StudyMismatchException"/> (one clear line) unless the stored definition is the same JSON text.
    /// </summary>
    void Open(string definitionJson);

    /// <summary>The definition recorded by the first <see cref="Open"/>; null when no study was opened on the store yet.</summary>
    string? Definition { get; }

    /// <summary>
    /// Every invocation that ran the study, in order, each a JSON record (its command, when it started, the
    /// settings not in the definition); the first is the one that started it.
    /// </summary>
    IReadOnlyList<string> Invocations();

    /// <summary>Appends an invocation to <see cref="Invocations"/>, durably.</summary>
    void AddInvocation(string json);

    /// <summary>The store as messages name it (a file's path, a database and study).</summary>
    string Name { get; }

    /// <summary>
    /// Adds trials by key (idempotent; keys are canonical JSON of a trial's parameters), keeping
    /// first-insertion order.
    /// </summary>
    void AddTrials(IReadOnlyList<string> keys);

    /// <summary>
    /// Atomically claims the first trial (in insertion order) that is not finished and not claimed by a
    /// live worker; null when none is left. A claim by a worker that is no longer alive (its process has
    /// exited: same host and PID gone, or its heartbeat older than the stale timeout) counts as free.
    /// </summary>
    string? ClaimNext(string worker);

    /// <summary>Keeps the worker's claims alive (call every few seconds while working).</summary>
    void Heartbeat(string worker);

    /// <summary>
    /// Stores an intermediate result of a trial (e.g. stage "fold0", or "rung1/fold2") durably before
    /// returning; idempotent per (key, stage): saving a stage again replaces its JSON.
    /// </summary>
    void SaveStage(string key, string stage, string json);

    /// <summary>The trial's saved stages, in the order they were first saved.</summary>
    IReadOnlyDictionary<string, string> Stages(string key);

    /// <summary>
    /// Stores the trial's final result and releases its claim. A trial finished already keeps its
    /// first result (a second worker that took over a stale claim computes the same numbers).
    /// </summary>
    void Complete(string key, string resultJson);

    /// <summary>Gives up <paramref name="worker"/>'s claim on the trial (nothing happens if another worker holds it).</summary>
    void Release(string key, string worker);

    /// <summary>Every trial in insertion order with its result (null while unfinished).</summary>
    IReadOnlyList<StoredTrial> Trials();
}
