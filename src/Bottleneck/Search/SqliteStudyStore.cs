using System.Globalization;
using Bottleneck.Data;
using Microsoft.Data.Sqlite;

namespace Bottleneck.Search;

/// <summary>
/// A study store in one SQLite file, shared by every process on this machine that opens it (the
/// write-ahead log lives in shared memory, so not across machines or over a network file system).
/// Every call is one transaction whose log is synced before the call returns: a study killed at any
/// point, even by SIGKILL, loses only the fold it was running. Writes take the write lock up front
/// (BEGIN IMMEDIATE), so a claim reads and marks its trial under one lock and two processes can never
/// claim the same trial.
/// </summary>
/// <remarks>
/// Schema version 3:
/// <code>
/// meta       (name PRIMARY KEY, value)     -- "schema_version", "definition", "fingerprint", "version", "invocation:000000", …
/// trials     (key PRIMARY KEY, ord UNIQUE, result, claimed_by, claimed_at, heartbeat, claim_token, failures, last_error)
/// stages     (key, stage, json, saves, PRIMARY KEY (key, stage))  -- saves: how often the stage was committed (1 unless a fold was redone)
/// workers    (worker PRIMARY KEY, started_at, heartbeat, idle)    -- idle: seconds it sat with nothing to do
/// promotions (key PRIMARY KEY, json)       -- a pruner's decisions, in rowid order
/// </code>
/// Older files are migrated forward when opened: version 1 (Bottleneck 0.6) had no claim tokens, failure counts, save
/// counts or workers; version 2 had no promotions or idle times.
/// Times are Unix milliseconds (UTC). A claim is free when its worker ran on this host and its PID is
/// gone, or when its heartbeat is older than the stale timeout.
/// </remarks>
internal sealed class SqliteStudyStore : IStudyStore
{
    public const int SchemaVersion = 3;

    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(60);

    private const int SqliteIoError = 10, SqliteCorrupt = 11, SqliteFull = 13, SqliteCantOpen = 14, SqliteNotADatabase = 26;

    private readonly string _path; // as the caller spelled it, for messages
    private readonly TimeSpan _staleAfter;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new(); // one connection serves every thread that uses this instance
    private SqliteTransaction? _transaction;
    private string? _definition;
    private bool _disposed;

    /// <param name="path">The store's file; created (with its folder) when missing.</param>
    /// <param name="staleAfter">How long a claim stays taken without a heartbeat (default 60 s).</param>
    /// <param name="time">The clock for claims and heartbeats (tests pass their own).</param>
    public SqliteStudyStore(string path, TimeSpan? staleAfter = null, TimeProvider? time = null)
    {
        _path = path;
        _staleAfter = staleAfter ?? DefaultStaleAfter;
        if (_staleAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(staleAfter), "the stale timeout must be positive");
        _time = time ?? TimeProvider.System;

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path} is a folder, not a study store file");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,     // disposing the store closes the file
            DefaultTimeout = 30, // seconds Microsoft.Data.Sqlite retries a busy statement
        }.ToString());
        try
        {
            Guard(() =>
            {
                _connection.Open();
                Prepare();
                return 0;
            });
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public void Open(string definitionJson, string? fingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(definitionJson);
        Guard(() => Write(() =>
        {
            string? stored = Meta("definition");
            if (stored is null)
            {
                Execute("INSERT INTO meta (name, value) VALUES ('definition', $value)", ("$value", definitionJson));
                Execute("INSERT INTO meta (name, value) VALUES ('version', $value) ON CONFLICT (name) DO NOTHING", ("$value", LibraryVersion.Current));
            }
            else StudyAgreement.Check(_path, stored, definitionJson, Meta("fingerprint"), fingerprint, Meta("version"));
            if (fingerprint is not null)
                Execute("INSERT INTO meta (name, value) VALUES ('fingerprint', $value) ON CONFLICT (name) DO NOTHING", ("$value", fingerprint));
            _definition = definitionJson;
            return 0;
        }));
    }

    public string? Definition => Guard(() => _definition ??= Meta("definition"));

    public IReadOnlyList<string> Invocations() => Guard(() =>
        Query("SELECT value FROM meta WHERE name LIKE 'invocation:%' ORDER BY name", r => r.GetString(0)));

    public void AddInvocation(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Guard(() => Write(() =>
        {
            long count = (long)Scalar("SELECT COUNT(*) FROM meta WHERE name LIKE 'invocation:%'")!;
            // Zero-padded, so that names sort in the order the invocations came.
            return Execute("INSERT INTO meta (name, value) VALUES ($name, $value)",
                           ("$name", $"invocation:{count.ToString("D6", CultureInfo.InvariantCulture)}"), ("$value", json));
        }));
    }

    public string Name => _path;

    public void AddTrials(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Guard(() => Write(() =>
        {
            long ord = (long)Scalar("SELECT COALESCE(MAX(ord) + 1, 0) FROM trials")!;
            foreach (string key in keys)
                ord += Execute("INSERT INTO trials (key, ord) VALUES ($key, $ord) ON CONFLICT (key) DO NOTHING", ("$key", key), ("$ord", ord));
            return 0;
        }));
    }

    public Claim? ClaimNext(string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return Guard(() => Write(() =>
        {
            long now = Now();
            var unfinished = Query(
                "SELECT key, claimed_by, heartbeat, claim_token FROM trials WHERE result IS NULL ORDER BY ord",
                r => (Key: r.GetString(0), ClaimedBy: r.IsDBNull(1) ? null : r.GetString(1), Heartbeat: r.IsDBNull(2) ? (long?)null : r.GetInt64(2),
                      Token: r.GetInt64(3)));
            var exited = new Dictionary<string, bool>(); // one process check per worker per call
            foreach (var trial in unfinished)
            {
                if (trial.ClaimedBy is { } holder)
                {
                    if (holder == worker) continue; // the caller's own claim: another of its threads runs it
                    if (!IsAbandoned(holder, trial.Heartbeat, now, exited)) continue;
                }
                Execute("UPDATE trials SET claimed_by = $worker, claimed_at = $now, heartbeat = $now, claim_token = $token WHERE key = $key",
                        ("$worker", worker), ("$now", now), ("$token", trial.Token + 1), ("$key", trial.Key));
                return new Claim(trial.Key, trial.Token + 1);
            }
            return (Claim?)null;
        }));
    }

    public void Heartbeat(string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Guard(() => Write(() =>
        {
            long now = Now();
            Execute("UPDATE trials SET heartbeat = $now WHERE claimed_by = $worker AND result IS NULL", ("$now", now), ("$worker", worker));
            return Execute("INSERT INTO workers (worker, started_at, heartbeat) VALUES ($worker, $now, $now) " +
                           "ON CONFLICT (worker) DO UPDATE SET heartbeat = excluded.heartbeat", ("$worker", worker), ("$now", now));
        }));
    }

    public void SaveStage(string key, string stage, string json, Claim? claim = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(json);
        Guard(() => Write(() =>
        {
            RequireTrial(key, claim, worker);
            return Execute("INSERT INTO stages (key, stage, json) VALUES ($key, $stage, $json) " +
                           "ON CONFLICT (key, stage) DO UPDATE SET json = excluded.json, saves = saves + 1",
                           ("$key", key), ("$stage", stage), ("$json", json));
        }));
    }

    public IReadOnlyDictionary<string, string> Stages(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Guard(() => Query("SELECT stage, json FROM stages WHERE key = $key ORDER BY rowid",
                                 r => (Stage: r.GetString(0), Json: r.GetString(1)), ("$key", key))
                           .ToDictionary(s => s.Stage, s => s.Json));
    }

    public void Complete(string key, string resultJson, Claim? claim = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(resultJson);
        Guard(() => Write(() =>
        {
            RequireTrial(key, claim, worker);
            return Execute("UPDATE trials SET result = COALESCE(result, $result), claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                           "WHERE key = $key", ("$result", resultJson), ("$key", key));
        }));
    }

    public void Release(Claim claim, string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Guard(() => Write(() =>
        {
            RequireTrial(claim.Key);
            return Execute("UPDATE trials SET claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                           "WHERE key = $key AND claimed_by = $worker AND claim_token = $token",
                           ("$key", claim.Key), ("$worker", worker), ("$token", claim.Token));
        }));
    }

    public int Fail(Claim claim, string worker, string error, int maxRetries, string failedResultJson)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(failedResultJson);
        return Guard(() => Write(() =>
        {
            RequireTrial(claim.Key);
            // Only the claim's holder counts its failure, and only once.
            Execute("UPDATE trials SET failures = failures + 1, last_error = $error, claimed_by = NULL, claimed_at = NULL, heartbeat = NULL " +
                    "WHERE key = $key AND claimed_by = $worker AND claim_token = $token",
                    ("$error", error), ("$key", claim.Key), ("$worker", worker), ("$token", claim.Token));
            int failures = (int)(long)Scalar("SELECT failures FROM trials WHERE key = $key", ("$key", claim.Key))!;
            if (failures > maxRetries)
                Execute("UPDATE trials SET result = COALESCE(result, $result) WHERE key = $key", ("$result", failedResultJson), ("$key", claim.Key));
            return failures;
        }));
    }

    public TimeSpan Grace => _staleAfter;

    public IReadOnlyList<string> LiveWorkers() => Guard(() =>
        Query("SELECT worker FROM workers WHERE heartbeat >= $since ORDER BY worker", r => r.GetString(0),
              ("$since", Now() - (long)_staleAfter.TotalMilliseconds)).Where(w => !WorkerId.HasExited(w)).ToList());

    public void Promote(string key, string decisionJson)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(decisionJson);
        Guard(() => Write(() =>
        {
            long ord = (long)Scalar("SELECT COALESCE(MAX(ord) + 1, 0) FROM trials")!;
            Execute("INSERT INTO trials (key, ord) VALUES ($key, $ord) ON CONFLICT (key) DO NOTHING", ("$key", key), ("$ord", ord));
            return Execute("INSERT INTO promotions (key, json) VALUES ($key, $json) ON CONFLICT (key) DO NOTHING", ("$key", key), ("$json", decisionJson));
        }));
    }

    public IReadOnlyList<string> Promotions() => Guard(() => Query("SELECT json FROM promotions ORDER BY rowid", r => r.GetString(0)));

    public void AddIdle(string worker, double seconds)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Guard(() => Write(() =>
        {
            long now = Now();
            return Execute("INSERT INTO workers (worker, started_at, heartbeat, idle) VALUES ($worker, $now, $now, $idle) " +
                           "ON CONFLICT (worker) DO UPDATE SET idle = idle + excluded.idle", ("$worker", worker), ("$now", now), ("$idle", seconds));
        }));
    }

    public IReadOnlyDictionary<string, double> IdleSeconds() => Guard(() =>
        Query("SELECT worker, idle FROM workers WHERE idle > 0 ORDER BY worker", r => (Worker: r.GetString(0), Idle: r.GetDouble(1)))
            .ToDictionary(w => w.Worker, w => w.Idle));

    public IReadOnlyList<StoredTrial> Trials() => Guard(() =>
        Query("SELECT key, result, claimed_by FROM trials ORDER BY ord",
              r => new StoredTrial(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2))));

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
    }

    // Creates the schema in a new file, or checks that an existing file is a store this code reads.
    private void Prepare()
    {
        Execute("PRAGMA busy_timeout = 10000");  // wait up to 10 s for another process's write lock
        Execute("PRAGMA journal_mode = WAL");    // readers never wait for the writer (falls back where WAL is unsupported)
        Execute("PRAGMA synchronous = FULL");    // a commit is on disk before it returns
        Write(() =>
        {
            var tables = Query("SELECT name FROM sqlite_master WHERE type = 'table'", r => r.GetString(0));
            if (tables.Count == 0)
            {
                Execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                Execute("""
                    CREATE TABLE trials (
                        key        TEXT PRIMARY KEY,
                        ord        INTEGER NOT NULL UNIQUE,
                        result     TEXT,
                        claimed_by TEXT,
                        claimed_at INTEGER,
                        heartbeat  INTEGER,
                        claim_token INTEGER NOT NULL DEFAULT 0,
                        failures    INTEGER NOT NULL DEFAULT 0,
                        last_error  TEXT)
                    """);
                Execute("""
                    CREATE TABLE stages (
                        key   TEXT NOT NULL REFERENCES trials (key),
                        stage TEXT NOT NULL,
                        json  TEXT NOT NULL,
                        saves INTEGER NOT NULL DEFAULT 1,
                        PRIMARY KEY (key, stage))
                    """);
                CreateWorkers();
                Execute("ALTER TABLE workers ADD COLUMN idle REAL NOT NULL DEFAULT 0");
                CreatePromotions();
                Execute("INSERT INTO meta (name, value) VALUES ('schema_version', $version)",
                        ("$version", SchemaVersion.ToString(CultureInfo.InvariantCulture)));
                return 0;
            }
            if (!tables.Contains("meta")) throw new DataFormatException($"{_path} is an SQLite database but not a study store (it has no meta table)");
            string? version = Meta("schema_version");
            if (version == "1") version = MigrateFrom1();
            if (version == "2") version = MigrateFrom2();
            if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
                throw new DataFormatException(version is null
                    ? $"{_path} is an SQLite database but not a study store (its meta table has no schema_version)"
                    : $"{_path} is a study store of schema version {version}, made by a newer Bottleneck; this one reads versions 1 to {SchemaVersion}: upgrade it");
            return 0;
        });
    }

    // Version 2's workers table; version 3 adds its idle column (new files too, so that every file has one shape).
    private void CreateWorkers() =>
        Execute("CREATE TABLE workers (worker TEXT PRIMARY KEY, started_at INTEGER NOT NULL, heartbeat INTEGER NOT NULL)");

    private void CreatePromotions() =>
        Execute("CREATE TABLE promotions (key TEXT PRIMARY KEY REFERENCES trials (key), json TEXT NOT NULL)");

    // Version 1 → 2, in the transaction that opens the file: claim tokens, failure and save counts, the workers' table.
    private string MigrateFrom1()
    {
        Execute("ALTER TABLE trials ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0");
        Execute("ALTER TABLE trials ADD COLUMN failures INTEGER NOT NULL DEFAULT 0");
        Execute("ALTER TABLE trials ADD COLUMN last_error TEXT");
        Execute("ALTER TABLE stages ADD COLUMN saves INTEGER NOT NULL DEFAULT 1");
        CreateWorkers();
        return SetVersion(2);
    }

    // Version 2 → 3: the pruner's decisions and the workers' idle time.
    private string MigrateFrom2()
    {
        Execute("ALTER TABLE workers ADD COLUMN idle REAL NOT NULL DEFAULT 0");
        CreatePromotions();
        return SetVersion(3);
    }

    private string SetVersion(int schema)
    {
        string version = schema.ToString(CultureInfo.InvariantCulture);
        Execute("UPDATE meta SET value = $version WHERE name = 'schema_version'", ("$version", version));
        return version;
    }

    // A claim is free when its worker ran on this host and its process is gone, or when its heartbeat is stale.
    private bool IsAbandoned(string holder, long? heartbeat, long now, Dictionary<string, bool> exited)
    {
        if (!exited.TryGetValue(holder, out bool gone)) exited[holder] = gone = WorkerId.HasExited(holder);
        return gone || heartbeat is not { } beat || now - beat > (long)_staleAfter.TotalMilliseconds;
    }

    // The trial exists, and under a claim, the claim is still the trial's: a commit by a worker whose claim was handed on is refused.
    private void RequireTrial(string key, Claim? claim = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = Query("SELECT claimed_by, claim_token FROM trials WHERE key = $key",
                         r => (Holder: r.IsDBNull(0) ? null : r.GetString(0), Token: r.GetInt64(1)), ("$key", key));
        if (rows.Count == 0) throw new KeyNotFoundException($"{_path} has no trial {key}");
        if (claim is { } mine && (rows[0].Holder != worker || rows[0].Token != mine.Token))
            throw ClaimLostException.For(key);
    }

    private string? Meta(string name) => (string?)Scalar("SELECT value FROM meta WHERE name = $name", ("$name", name));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // Every public call: one thread at a time on the connection, SQLite's "not a database" and
    // "malformed" as a DataFormatException naming the file.
    private T Guard<T>(Func<T> body)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return body();
            }
            catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) == SqliteNotADatabase)
            {
                throw new DataFormatException($"{_path} is not a study store (not an SQLite database)");
            }
            catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) == SqliteCorrupt)
            {
                throw new DataFormatException($"{_path} is a damaged study store (SQLite: {e.Message}); move it aside to start the study afresh");
            }
            catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) == SqliteCantOpen)
            {
                throw new IOException($"cannot open the study store {_path}: {e.Message}", e);
            }
            catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is SqliteFull or SqliteIoError)
            {
                // A transaction that cannot be written is rolled back whole: every fold committed before stays.
                throw new IOException($"could not write the study store {_path} ({Reason(e)}): is the disk full? " +
                                      "Every fold committed before is kept; free some space and resume the study", e);
            }
            catch (SqliteException e)
            {
                throw new IOException($"the study store {_path} failed: {Reason(e)}", e);
            }
        }
    }

    private static string Reason(SqliteException e) => e.Message.Replace("SQLite Error ", "SQLite error ", StringComparison.Ordinal).TrimEnd('.');

    // One write transaction: BEGIN IMMEDIATE takes the write lock before the first read, so what the
    // body reads cannot change under it; it commits (synced) or rolls back as a whole.
    private T Write<T>(Func<T> body)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _transaction = transaction;
        try
        {
            T result = body();
            transaction.Commit();
            return result;
        }
        finally
        {
            _transaction = null;
        }
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar();
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }
}
