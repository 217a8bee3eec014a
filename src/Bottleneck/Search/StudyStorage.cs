using System.Globalization;
using Npgsql;

namespace Bottleneck.Search;

/// <summary>Where a storage URL keeps studies.</summary>
public enum StudyStorageKind
{
    /// <summary>One SQLite file, shared by the processes of one machine.</summary>
    Sqlite,
    /// <summary>A PostgreSQL database, shared by workers on any number of machines, holding any number of studies.</summary>
    Postgres,
}

/// <summary>
/// A study storage named by URL: <c>postgresql://user:password@host:port/database</c> (also <c>postgres://</c>; the
/// password may instead come from <c>PGPASSWORD</c> or a <c>PGPASSFILE</c>) or <c>sqlite:PATH</c>. <see cref="ToString"/>
/// and every message name it without its password.
/// </summary>
public sealed class StudyStorage
{
    /// <summary>PostgreSQL's port when the URL names none.</summary>
    public const int DefaultPort = 5432;

    private StudyStorage(StudyStorageKind kind, string display, string? path, NpgsqlConnectionStringBuilder? postgres)
    {
        (Kind, Display, Path, Postgres) = (kind, display, path, postgres);
    }

    /// <summary>SQLite or PostgreSQL.</summary>
    public StudyStorageKind Kind { get; }

    /// <summary>The URL without its password: what files, reports and messages show.</summary>
    public string Display { get; }

    /// <summary>The SQLite file (null for PostgreSQL).</summary>
    public string? Path { get; }

    /// <summary>The connection settings, password included (null for SQLite).</summary>
    internal NpgsqlConnectionStringBuilder? Postgres { get; }

    /// <inheritdoc/>
    public override string ToString() => Display;

    /// <summary>The store of study <paramref name="study"/> here (an SQLite file holds one study, whatever its name).</summary>
    /// <param name="study">The study's name in a PostgreSQL database.</param>
    /// <param name="grace">How long a claim stays taken without a heartbeat.</param>
    /// <param name="warn">Told of a lost connection and of its return.</param>
    /// <param name="cancel">Stops a PostgreSQL store's reconnecting.</param>
    internal IStudyStore Open(string study, TimeSpan? grace = null, Action<string>? warn = null, CancellationToken cancel = default) => Kind switch
    {
        StudyStorageKind.Sqlite => new SqliteStudyStore(Path!, grace),
        _ => new PostgresStudyStore(this, study, grace, warn: warn, cancel: cancel),
    };

    /// <summary>The names of the studies stored here, oldest first (an SQLite file's one study is named by the file).</summary>
    internal IReadOnlyList<string> StudyNames()
    {
        if (Kind == StudyStorageKind.Postgres) return PostgresStudyStore.Studies(this);
        if (!File.Exists(Path)) return [];
        using var store = new SqliteStudyStore(Path!);
        return store.Definition is null ? [] : [Path!];
    }

    /// <summary>The storage a command uses: <paramref name="given"/>, else the environment variable <see cref="EnvironmentVariable"/>, else none (null).</summary>
    public static StudyStorage? FromSettingOrEnvironment(string? given) =>
        (given ?? Environment.GetEnvironmentVariable(EnvironmentVariable)) is { Length: > 0 } url ? Parse(url) : null;

    /// <summary>The environment variable that names the storage when a command gives none.</summary>
    public const string EnvironmentVariable = "BOTTLENECK_STORAGE";

    /// <summary>The storage <paramref name="url"/> names; a <see cref="SettingException"/> of setting "storage" (never quoting the password) when it names none.</summary>
    public static StudyStorage Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = url["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..]; // sqlite:///abs/path, as SQLAlchemy spells it
            if (path.Length == 0) throw new SettingException("storage", "sqlite: needs a file, e.g. sqlite:studies/study.db");
            return new(StudyStorageKind.Sqlite, "sqlite:" + path, path, null);
        }
        if (url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            return ParsePostgres(url);
        throw new SettingException("storage", $"must be postgresql://user@host:port/database or sqlite:PATH, got {Redact(url)}");
    }

    private static StudyStorage ParsePostgres(string url)
    {
        string shown = Redact(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new SettingException("storage", $"is not a PostgreSQL URL (postgresql://user:password@host:port/database): {shown}");
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new SettingException("storage", $"names no database (postgresql://user@host:port/database): {shown}");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            Database = database,
            ApplicationName = "bottleneck",
            Timeout = 10,          // seconds to connect
            CommandTimeout = 60,
            // A worker's connections: one per thread at most, and one for the heartbeat.
            MaxPoolSize = 32,
        };
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]), value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (name)
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode) ? mode
                        : throw new SettingException("storage", $"sslmode must be disable, allow, prefer, require, verify-ca or verify-full, got {value}");
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0 ? seconds
                        : throw new SettingException("storage", $"connect_timeout must be a whole number of seconds, got {value}");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    throw new SettingException("storage", $"takes the parameters sslmode, connect_timeout and application_name, not {name}: {shown}");
            }
        }
        return new(StudyStorageKind.Postgres, shown, null, builder);
    }

    /// <summary><paramref name="url"/> with the password of its user-info part (user:password@) left out.</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        int start = scheme + 3;
        int end = url.IndexOfAny(['/', '?'], start);
        if (end < 0) end = url.Length;
        int at = url.LastIndexOf('@', end - 1, end - start);
        if (at < 0) return url;
        int colon = url.IndexOf(':', start, at - start);
        return colon < 0 ? url : url[..colon] + url[at..];
    }
}
