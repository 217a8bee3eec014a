using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;

namespace Bottleneck.Search;

/// <summary>
/// A study store in a PostgreSQL database: one study of many (the <c>study</c> column of every table), shared by
/// workers on any number of machines. Every call is one transaction, committed before it returns. A claim picks the
/// first free trial with <c>FOR UPDATE SKIP LOCKED</c>, so two workers never wait for each other and never get one
/// trial; times are the server's clock, so machines whose clocks disagree still judge heartbeats alike. A dropped
/// connection (a restart, a network cut) is retried with backoff, every call being safe to repeat: a claim whose reply
/// was lost is found again by its worker, and commits are fenced by the claim's token.
/// </summary>
/// <remarks>
/// Schema version 2, in the schema <c>bottleneck</c>:
/// <code>
/// meta        (name PRIMARY KEY, value)                       -- "schema_version"
/// studies     (study PRIMARY KEY, definition, fingerprint, version, created_at)
/// invocations (study, id, at, json)                           -- id: the invoking process's own, so a retry adds no row
/// trials      (study, key, ord, result, claimed_by, claim_token, claimed_at, heartbeat, failures, last_error)
/// stages      (study, key, stage, json, saves, seq)           -- saves: how often the stage was committed (1 unless a fold was redone)
/// workers     (study, worker, started_at, heartbeat, idle_seconds)
/// promotions  (study, key, json, seq)                         -- a pruner's decisions, in seq order
/// </code>
/// Version 1 had no promotions or idle times; a database of version 1 is migrated forward when first opened.
/// </remarks>
internal sealed class PostgresStudyStore : IStudyStore
{
    public const int SchemaVersion = 2;

    private static readonly TimeSpan OpenRetryFor = TimeSpan.FromSeconds(5);

    // Any fixed number: the advisory lock that serialises creating and migrating the schema.
    private const long SchemaLock = 0x426f74746c656e;

    private readonly StudyStorage _storage;
    private readonly string _study;
    private readonly NpgsqlDataSource _source;
    private readonly TimeSpan _staleAfter, _reconnectFor;
    private readonly Action<string>? _warn;
    private readonly CancellationToken _cancel;
    private readonly ConcurrentDictionary<string, byte> _held = new(); // keys this process claimed and knows it holds
    private readonly Lock _claiming = new(); // one claim at a time per process, so a claim is in _held before the next looks
    private readonly string _invocationId = Guid.NewGuid().ToString("N");
    private int _invocations;
    private string? _definition;
    private volatile bool _down;
    private volatile bool _unsure = true; // a claim's reply may have been lost: true at first, and after every lost connection
    private long _freedAt = long.MinValue / 2; // when FreeExitedClaims last ran (Environment.TickCount64)

    /// <param name="storage">The database.</param>
    /// <param name="study">The study's name in it.</param>
    /// <param name="staleAfter">How long a claim stays taken without a heartbeat (the grace period).</param>
    /// <param name="reconnectFor">How long a call retries a lost connection before it gives up.</param>
    /// <param name="warn">Told when the connection is lost and when it is back.</param>
    /// <param name="cancel">Stops the retrying.</param>
    public PostgresStudyStore(StudyStorage storage, string study, TimeSpan? staleAfter = null, TimeSpan? reconnectFor = null,
                              Action<string>? warn = null, CancellationToken cancel = default)
    {
        if (storage.Postgres is null) throw new ArgumentException("not a PostgreSQL storage", nameof(storage));
        if (string.IsNullOrWhiteSpace(study)) throw new SettingException("study", "must be a name, got an empty one");
        (_storage, _study, _warn, _cancel) = (storage, study, warn, cancel);
        _staleAfter = staleAfter ?? SqliteStudyStore.DefaultStaleAfter;
        _reconnectFor = reconnectFor ?? TimeSpan.FromMinutes(10);
        _source = NpgsqlDataSource.Create(storage.Postgres.ConnectionString);
        try
        {
            // A server restarting as a worker starts is waited for a few seconds; one that is not there fails at once after that.
            var deadline = DateTime.UtcNow + OpenRetryFor;
            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                try
                {
                    Prepare(_source, storage, rethrowConnectionFaults: DateTime.UtcNow < deadline);
                    break;
                }
                catch (Exception e) when (IsConnectionFault(e) && !cancel.IsCancellationRequested)
                {
                    _source.Clear();
                    cancel.WaitHandle.WaitOne(delay);
                    delay *= 2;
                }
            }
        }
        catch
        {
            _source.Dispose();
            throw;
        }
    }

    public string Name => $"{_storage.Display} (study {_study})";

    public void Open(string definitionJson, string? fingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(definitionJson);
        Do((c, t) =>
        {
            Execute(c, t, "INSERT INTO bottleneck.studies (study, definition, fingerprint, version) VALUES ($1, $2, $3, $4) ON CONFLICT (study) DO NOTHING",
                    _study, definitionJson, fingerprint, LibraryVersion.Current);
            using var read = Command(c, t, "SELECT definition, fingerprint, version FROM bottleneck.studies WHERE study = $1", _study);
            using var r = read.ExecuteReader();
            r.Read();
            string stored = r.GetString(0);
            string? storedPrint = r.IsDBNull(1) ? null : r.GetString(1), version = r.IsDBNull(2) ? null : r.GetString(2);
            r.Close();
            StudyAgreement.Check(Name, stored, definitionJson, storedPrint, fingerprint, version);
            if (storedPrint is null && fingerprint is not null)
                Execute(c, t, "UPDATE bottleneck.studies SET fingerprint = $2 WHERE study = $1", _study, fingerprint);
            _definition = stored;
            return 0;
        });
    }

    public string? Definition => _definition ??= Do((c, t) => Scalar(c, t, "SELECT definition FROM bottleneck.studies WHERE study = $1", _study) as string);

    public IReadOnlyList<string> Invocations() => Do((c, t) =>
        Query(c, t, "SELECT json FROM bottleneck.invocations WHERE study = $1 ORDER BY at, id", r => r.GetString(0), _study));

    public void AddInvocation(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        // The id is this process's and its count, so a retried insert whose first reply was lost adds no second row.
        string id = $"{_invocationId}-{Interlocked.Increment(ref _invocations)}";
        Do((c, t) => Execute(c, t, "INSERT INTO bottleneck.invocations (study, id, json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", _study, id, json));
    }

    public void AddTrials(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Do((c, t) =>
        {
            // Several workers may add the same trials at once: the lock on the study's row orders them.
            Execute(c, t, "SELECT 1 FROM bottleneck.studies WHERE study = $1 FOR UPDATE", _study);
            var known = Query(c, t, "SELECT key FROM bottleneck.trials WHERE study = $1", r => r.GetString(0), _study).ToHashSet();
            var fresh = keys.Distinct().Where(k => !known.Contains(k)).ToArray();
            if (fresh.Length == 0) return 0;
            long first = (long)Scalar(c, t, "SELECT COALESCE(MAX(ord) + 1, 0) FROM bottleneck.trials WHERE study = $1", _study)!;
            using var insert = Command(c, t, "INSERT INTO bottleneck.trials (study, key, ord) SELECT $1, k, $3 + o - 1 FROM unnest($2::text[]) WITH ORDINALITY AS u(k, o)",
                                       _study, fresh, first);
            return insert.ExecuteNonQuery();
        });
    }

    public Claim? ClaimNext(string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        lock (_claiming) return ClaimLocked(worker);
    }

    private Claim? ClaimLocked(string worker)
    {
        var claim = Do((c, t) =>
        {
            // A claim this worker made whose reply it never got (the connection dropped after the commit): take it up again.
            if (_unsure)
            {
                foreach (var (key, token) in Query(c, t, "SELECT key, claim_token FROM bottleneck.trials WHERE study = $1 AND claimed_by = $2 AND result IS NULL",
                                                   r => (r.GetString(0), r.GetInt64(1)), _study, worker))
                    if (!_held.ContainsKey(key))
                        return new Claim(key, token);
                _unsure = false;
            }
            // At most once a second, so a claim costs one round trip; and always before saying nothing is free.
            if (Environment.TickCount64 - _freedAt > 1000) FreeExitedClaims(c, t);
            var claimed = Next(c, t, worker);
            if (claimed is null && FreeExitedClaims(c, t)) claimed = Next(c, t, worker);
            return claimed;
        });
        if (claim is { } held) _held[held.Key] = 0;
        return claim;
    }

    // The first free trial in order (unclaimed, or its claim's heartbeat older than the grace period), claimed with a new token.
    private Claim? Next(NpgsqlConnection c, NpgsqlTransaction? t, string worker)
    {
            var claimed = Query(c, t, """
                WITH next AS (
                    SELECT key FROM bottleneck.trials
                    WHERE study = $1 AND result IS NULL AND (claimed_by IS NULL OR heartbeat < clock_timestamp() - $3 * interval '1 millisecond')
                    ORDER BY ord LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE bottleneck.trials AS t
                SET claimed_by = $2, claim_token = t.claim_token + 1, claimed_at = clock_timestamp(), heartbeat = clock_timestamp()
                FROM next WHERE t.study = $1 AND t.key = next.key
                RETURNING t.key, t.claim_token
                """, r => new Claim(r.GetString(0), r.GetInt64(1)), _study, worker, (long)_staleAfter.TotalMilliseconds);
            return claimed.Count > 0 ? claimed[0] : null;
    }

    // Claims by workers of this machine whose process has exited are freed at once, without waiting out the grace period; true when one was.
    private bool FreeExitedClaims(NpgsqlConnection c, NpgsqlTransaction? t)
    {
        _freedAt = Environment.TickCount64;
        var here = Query(c, t, "SELECT DISTINCT claimed_by FROM bottleneck.trials WHERE study = $1 AND result IS NULL AND claimed_by LIKE $2",
                         r => r.GetString(0), _study, LikePrefix(WorkerId.ThisHost) + ":%");
        int freed = 0;
        foreach (string gone in here.Where(WorkerId.HasExited))
            freed += Execute(c, t, "UPDATE bottleneck.trials SET claimed_by = NULL, heartbeat = NULL WHERE study = $1 AND claimed_by = $2 AND result IS NULL", _study, gone);
        return freed > 0;
    }

    private static string LikePrefix(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    public void Heartbeat(string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        // One try: a beat that cannot get through is simply missed (the next comes soon), rather than held up retrying.
        Do(retry: false, body: (c, t) =>
        {
            Execute(c, t, "UPDATE bottleneck.trials SET heartbeat = clock_timestamp() WHERE study = $1 AND claimed_by = $2 AND result IS NULL", _study, worker);
            return Execute(c, t, "INSERT INTO bottleneck.workers (study, worker) VALUES ($1, $2) " +
                                 "ON CONFLICT (study, worker) DO UPDATE SET heartbeat = clock_timestamp()", _study, worker);
        });
    }

    public void SaveStage(string key, string stage, string json, Claim? claim = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(json);
        Do((c, t) =>
        {
            // One statement: the trial's row, locked while this claim still holds it (so no claim takes it in between), gates the insert.
            int saved = Execute(c, t, """
                WITH held AS (
                    SELECT 1 FROM bottleneck.trials
                    WHERE study = $1 AND key = $2 AND ($5::text IS NULL OR (claimed_by = $5 AND claim_token = $6))
                    FOR SHARE)
                INSERT INTO bottleneck.stages (study, key, stage, json) SELECT $1, $2, $3, $4 FROM held
                ON CONFLICT (study, key, stage) DO UPDATE SET json = excluded.json, saves = bottleneck.stages.saves + 1
                """, _study, key, stage, json, claim is null ? null : worker, claim?.Token ?? 0L);
            if (saved == 0) Refuse(c, t, key, claim);
            return saved;
        }, transaction: false);
    }

    public IReadOnlyDictionary<string, string> Stages(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Do((c, t) => Query(c, t, "SELECT stage, json FROM bottleneck.stages WHERE study = $1 AND key = $2 ORDER BY seq",
                                  r => (Stage: r.GetString(0), Json: r.GetString(1)), _study, key))
               .ToDictionary(s => s.Stage, s => s.Json);
    }

    public void Complete(string key, string resultJson, Claim? claim = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(resultJson);
        Do((c, t) =>
        {
            int completed = Execute(c, t, "UPDATE bottleneck.trials SET result = COALESCE(result, $3), claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                                          "WHERE study = $1 AND key = $2 AND ($4::text IS NULL OR (claimed_by = $4 AND claim_token = $5))",
                                    _study, key, resultJson, claim is null ? null : worker, claim?.Token ?? 0L);
            if (completed == 0) Refuse(c, t, key, claim);
            return completed;
        }, transaction: false);
        _held.TryRemove(key, out _);
    }

    public void Release(Claim claim, string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Do((c, t) => Execute(c, t, "UPDATE bottleneck.trials SET claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                                   "WHERE study = $1 AND key = $2 AND claimed_by = $3 AND claim_token = $4", _study, claim.Key, worker, claim.Token));
        _held.TryRemove(claim.Key, out _);
    }

    public int Fail(Claim claim, string worker, string error, int maxRetries, string failedResultJson)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(error);
        int failures = Do((c, t) =>
        {
            // Only the claim's holder counts its failure, once: a repeated call finds the claim gone and counts nothing.
            var counted = Query(c, t, "UPDATE bottleneck.trials SET failures = failures + 1, last_error = $5, claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                                      "WHERE study = $1 AND key = $2 AND claimed_by = $3 AND claim_token = $4 RETURNING failures",
                                r => r.GetInt32(0), _study, claim.Key, worker, claim.Token, error);
            int n = counted.Count > 0 ? counted[0] : (int)Scalar(c, t, "SELECT failures FROM bottleneck.trials WHERE study = $1 AND key = $2", _study, claim.Key)!;
            if (n > maxRetries)
                Execute(c, t, "UPDATE bottleneck.trials SET result = COALESCE(result, $3) WHERE study = $1 AND key = $2", _study, claim.Key, failedResultJson);
            return n;
        });
        _held.TryRemove(claim.Key, out _);
        return failures;
    }

    public void Promote(string key, string decisionJson)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(decisionJson);
        Do((c, t) =>
        {
            // The lock on the study's row orders this with AddTrials, so the new trial's ord is unique.
            Execute(c, t, "SELECT 1 FROM bottleneck.studies WHERE study = $1 FOR UPDATE", _study);
            Execute(c, t, "INSERT INTO bottleneck.trials (study, key, ord) " +
                          "SELECT $1, $2, COALESCE(MAX(ord) + 1, 0) FROM bottleneck.trials WHERE study = $1 ON CONFLICT DO NOTHING", _study, key);
            return Execute(c, t, "INSERT INTO bottleneck.promotions (study, key, json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", _study, key, decisionJson);
        });
    }

    public IReadOnlyList<string> Promotions() => Do((c, t) =>
        Query(c, t, "SELECT json FROM bottleneck.promotions WHERE study = $1 ORDER BY seq", r => r.GetString(0), _study));

    public void AddIdle(string worker, double seconds)
    {
        ArgumentNullException.ThrowIfNull(worker);
        // Not repeated after a lost reply (it would count twice): idle time is a report's figure, not a result.
        Do(retry: false, body: (c, t) => Execute(c, t, "INSERT INTO bottleneck.workers (study, worker, idle_seconds) VALUES ($1, $2, $3) " +
                                                        "ON CONFLICT (study, worker) DO UPDATE SET idle_seconds = bottleneck.workers.idle_seconds + excluded.idle_seconds",
                                                 _study, worker, seconds));
    }

    public IReadOnlyDictionary<string, double> IdleSeconds() => Do((c, t) =>
        Query(c, t, "SELECT worker, idle_seconds FROM bottleneck.workers WHERE study = $1 AND idle_seconds > 0 ORDER BY worker",
              r => (Worker: r.GetString(0), Idle: r.GetDouble(1)), _study).ToDictionary(w => w.Worker, w => w.Idle));

    public IReadOnlyList<StoredTrial> Trials() => Do((c, t) =>
        Query(c, t, "SELECT key, result, claimed_by FROM bottleneck.trials WHERE study = $1 ORDER BY ord",
              r => new StoredTrial(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)), _study));

    public TimeSpan Grace => _staleAfter;

    public IReadOnlyList<string> LiveWorkers() => Do((c, t) =>
        Query(c, t, "SELECT worker FROM bottleneck.workers WHERE study = $1 AND heartbeat >= clock_timestamp() - $2 * interval '1 millisecond' ORDER BY worker",
              r => r.GetString(0), _study, (long)_staleAfter.TotalMilliseconds).Where(w => !WorkerId.HasExited(w)).ToList());

    public void Dispose() => _source.Dispose();

    /// <summary>The names of the studies in <paramref name="storage"/>, oldest first.</summary>
    public static IReadOnlyList<string> Studies(StudyStorage storage)
    {
        using var source = NpgsqlDataSource.Create(storage.Postgres!.ConnectionString);
        return Translating(storage, () =>
        {
            using var c = source.OpenConnection();
            if (Scalar(c, null, "SELECT to_regclass('bottleneck.studies')::text") is not string) return [];
            return Query(c, null, "SELECT study FROM bottleneck.studies ORDER BY created_at, study", r => r.GetString(0));
        });
    }

    // Why a commit gated by the trial's row wrote nothing: there is no such trial, or the claim is no longer the trial's.
    private void Refuse(NpgsqlConnection c, NpgsqlTransaction? t, string key, Claim? claim)
    {
        if (Scalar(c, t, "SELECT 1 FROM bottleneck.trials WHERE study = $1 AND key = $2", _study, key) is null)
            throw new KeyNotFoundException($"{Name} has no trial {key}");
        if (claim is null) return;
        _held.TryRemove(key, out _);
        throw ClaimLostException.For(key);
    }

    // One call, one transaction; a lost connection is retried with backoff (every call is safe to repeat) until reconnectFor has passed.
    // transaction: false runs a single statement as its own transaction (one round trip fewer than BEGIN … COMMIT).
    private T Do<T>(Func<NpgsqlConnection, NpgsqlTransaction?, T> body, bool retry = true, bool transaction = true)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var deadline = DateTime.UtcNow + _reconnectFor;
        while (true)
        {
            try
            {
                T result = Translating(_storage, () =>
                {
                    using var c = _source.OpenConnection();
                    using var t = transaction ? c.BeginTransaction() : null;
                    T value = body(c, t);
                    t?.Commit();
                    return value;
                }, rethrowConnectionFaults: true);
                if (_down)
                {
                    _down = false;
                    _warn?.Invoke($"the connection to {_storage.Display} is back");
                }
                return result;
            }
            catch (Exception e) when (retry && IsConnectionFault(e) && DateTime.UtcNow < deadline && !_cancel.IsCancellationRequested)
            {
                _unsure = true;
                if (!_down)
                {
                    _down = true;
                    _warn?.Invoke($"lost the connection to {_storage.Display} ({Reason(e)}); retrying for up to {_reconnectFor.TotalMinutes:0} min");
                }
                _source.Clear(); // the pool's other connections went down with this one
                _cancel.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception e) when (IsConnectionFault(e))
            {
                _cancel.ThrowIfCancellationRequested();
                if (!retry) throw new StorageException($"cannot reach {_storage.Display} ({Reason(e)})", e);
                throw new StorageException($"lost the connection to {_storage.Display} and could not get it back within {_reconnectFor.TotalMinutes:0} min " +
                                           $"({Reason(e)}); every committed fold is kept: run the worker again to go on", e, lost: true);
            }
        }
    }

    // Faults that a new connection may cure: the server restarting or unreachable for a while, a cut connection, a timeout.
    internal static bool IsConnectionFault(Exception e) => e switch
    {
        { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } } => false, // a misspelt host stays misspelt
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01",
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or TimeoutException,
        // A socket cut while Npgsql was opening its stream comes out unwrapped ("The operation is not allowed on
        // non-connected sockets", CI once, a worker whose connection was cut and restored).
        TimeoutException or SocketException or IOException => true,
        _ => false,
    };

    // Opens and checks the schema: creates it in an empty database, refuses one made by a newer Bottleneck.
    private static void Prepare(NpgsqlDataSource source, StudyStorage storage, bool rethrowConnectionFaults) => Translating(storage, () =>
    {
        using var c = source.OpenConnection();
        using var t = c.BeginTransaction();
        Execute(c, t, "SELECT pg_advisory_xact_lock($1)", SchemaLock);
        if (Scalar(c, t, "SELECT to_regclass('bottleneck.meta')::text") is null)
        {
            Execute(c, t, "CREATE SCHEMA IF NOT EXISTS bottleneck");
            Execute(c, t, """
                CREATE TABLE bottleneck.meta (name text PRIMARY KEY, value text NOT NULL);
                CREATE TABLE bottleneck.studies (
                    study       text PRIMARY KEY,
                    definition  text NOT NULL,
                    fingerprint text,
                    version     text,
                    created_at  timestamptz NOT NULL DEFAULT clock_timestamp());
                CREATE TABLE bottleneck.invocations (
                    study text NOT NULL REFERENCES bottleneck.studies ON DELETE CASCADE,
                    id    text NOT NULL,
                    at    timestamptz NOT NULL DEFAULT clock_timestamp(),
                    json  text NOT NULL,
                    PRIMARY KEY (study, id));
                CREATE TABLE bottleneck.trials (
                    study       text NOT NULL REFERENCES bottleneck.studies ON DELETE CASCADE,
                    key         text NOT NULL,
                    ord         bigint NOT NULL,
                    result      text,
                    claimed_by  text,
                    claim_token bigint NOT NULL DEFAULT 0,
                    claimed_at  timestamptz,
                    heartbeat   timestamptz,
                    failures    integer NOT NULL DEFAULT 0,
                    last_error  text,
                    PRIMARY KEY (study, key),
                    UNIQUE (study, ord));
                CREATE INDEX trials_open ON bottleneck.trials (study, ord) WHERE result IS NULL;
                CREATE INDEX trials_claimed ON bottleneck.trials (study, claimed_by) WHERE result IS NULL;
                CREATE TABLE bottleneck.stages (
                    study text NOT NULL,
                    key   text NOT NULL,
                    stage text NOT NULL,
                    json  text NOT NULL,
                    saves integer NOT NULL DEFAULT 1,
                    seq   bigserial,
                    PRIMARY KEY (study, key, stage),
                    FOREIGN KEY (study, key) REFERENCES bottleneck.trials ON DELETE CASCADE);
                CREATE TABLE bottleneck.workers (
                    study      text NOT NULL REFERENCES bottleneck.studies ON DELETE CASCADE,
                    worker     text NOT NULL,
                    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    heartbeat  timestamptz NOT NULL DEFAULT clock_timestamp(),
                    PRIMARY KEY (study, worker));
                """);
            Execute(c, t, "INSERT INTO bottleneck.meta (name, value) VALUES ('schema_version', '1')");
            MigrateFrom1(c, t);
        }
        else
        {
            string? version = Scalar(c, t, "SELECT value FROM bottleneck.meta WHERE name = 'schema_version'") as string;
            if (version == "1") version = MigrateFrom1(c, t);
            if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new StorageException(version is null
                    ? $"{storage.Display} has a schema 'bottleneck' that Bottleneck did not make (no schema_version); use another database"
                    : $"{storage.Display} holds studies of schema version {version}, made by a newer Bottleneck; this one reads versions 1 to {SchemaVersion}: upgrade it");
        }
        t.Commit();
        return 0;
    }, rethrowConnectionFaults);

    // Version 1 → 2, under the schema lock in the transaction that opens the database: the pruner's decisions and the
    // workers' idle time. A new database is made at version 1 and migrated, so that every database has one shape.
    private static string MigrateFrom1(NpgsqlConnection c, NpgsqlTransaction t)
    {
        Execute(c, t, """
            ALTER TABLE bottleneck.workers ADD COLUMN idle_seconds double precision NOT NULL DEFAULT 0;
            CREATE TABLE bottleneck.promotions (
                study text NOT NULL,
                key   text NOT NULL,
                json  text NOT NULL,
                seq   bigserial,
                PRIMARY KEY (study, key),
                FOREIGN KEY (study, key) REFERENCES bottleneck.trials ON DELETE CASCADE);
            UPDATE bottleneck.meta SET value = '2' WHERE name = 'schema_version';
            """);
        return "2";
    }

    // Every failure of the server or the connection as a one-line StorageException that names the storage (never its password).
    private static T Translating<T>(StudyStorage storage, Func<T> body, bool rethrowConnectionFaults = false)
    {
        var b = storage.Postgres!;
        string where = $"PostgreSQL at {b.Host}:{b.Port}";
        try
        {
            return body();
        }
        catch (Exception e) when (rethrowConnectionFaults && IsConnectionFault(e))
        {
            throw;
        }
        catch (PostgresException e)
        {
            throw new StorageException(e.SqlState switch
            {
                "28P01" => $"{where} refused user {b.Username}: wrong password (give it in the URL, PGPASSWORD or a PGPASSFILE)",
                "28000" => $"{where} does not let user {b.Username} connect to database {b.Database} ({Scrub(e.MessageText, b)})",
                "3D000" => $"{where} has no database {b.Database}: create it (createdb {b.Database}) or name another in the storage URL",
                "42501" => $"user {b.Username} lacks the rights Bottleneck needs in database {b.Database} ({Scrub(e.MessageText, b)}): " +
                           "grant it CREATE on the database, or have the database's owner start the first study",
                "53300" => $"{where} takes no more connections ({Scrub(e.MessageText, b)})",
                _ => $"{where} failed: {Scrub(e.MessageText, b)} (SQLSTATE {e.SqlState})",
            }, e);
        }
        catch (NpgsqlException e) when (e.InnerException is SocketException s)
        {
            throw new StorageException(s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"cannot reach {where}: connection refused (is the server running and listening there?)",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot reach {where}: no such host",
                _ => $"cannot reach {where}: {s.SocketErrorCode}",
            }, e);
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException || e is NpgsqlException { IsTransient: true })
        {
            throw new StorageException($"cannot reach {where}: no answer within {b.Timeout} s ({Scrub(e.Message, b)})", e);
        }
        catch (NpgsqlException e)
        {
            string message = e.Message.Contains("password", StringComparison.OrdinalIgnoreCase) && b.Password is null
                ? $"{where} asks user {b.Username} for a password: give it in the URL, PGPASSWORD or a PGPASSFILE"
                : $"{where} failed: {Scrub(e.Message, b)}";
            throw new StorageException(message, e);
        }
        catch (SocketException e)
        {
            throw new StorageException($"cannot reach {where}: {e.SocketErrorCode}", e);
        }
        catch (IOException e)
        {
            throw new StorageException($"lost the connection to {where}: {e.Message}", e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.MessageText}, SQLSTATE {p.SqlState}",
        { InnerException: SocketException s } => s.SocketErrorCode.ToString(),
        _ => e.InnerException?.Message ?? e.Message,
    };

    private static string Scrub(string message, NpgsqlConnectionStringBuilder b) =>
        b.Password is { Length: > 0 } password ? message.Replace(password, "***", StringComparison.Ordinal) : message;

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, c, t);
        foreach (var p in parameters)
            command.Parameters.Add(p is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter { Value = p });
        return command;
    }

    private static int Execute(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params object?[] parameters)
    {
        using var command = Command(c, t, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params object?[] parameters)
    {
        using var command = Command(c, t, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static List<T> Query<T>(NpgsqlConnection c, NpgsqlTransaction? t, string sql, Func<NpgsqlDataReader, T> row, params object?[] parameters)
    {
        using var command = Command(c, t, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }
}
