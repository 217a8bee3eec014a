using Bottleneck.Search;
using Npgsql;

namespace Bottleneck.Tests;

/// <summary>
/// A fresh database on the test server for one test (created by the superuser, owned by the test user, dropped at the end),
/// so tests never see each other's studies.
/// </summary>
public sealed class TestPostgres : IDisposable
{
    public static string? Url { get; } = Environment.GetEnvironmentVariable("BOTTLENECK_TEST_POSTGRES");
    public static string? AdminUrl { get; } = Environment.GetEnvironmentVariable("BOTTLENECK_TEST_POSTGRES_ADMIN");

    /// <summary>How to restart the server: a shell command taking start, stop or restart.</summary>
    public static string? Control { get; } = Environment.GetEnvironmentVariable("BOTTLENECK_TEST_POSTGRES_CTL");

    public TestPostgres()
    {
        Database = $"t_{Guid.NewGuid():N}"[..20];
        var user = StudyStorage.Parse(Url!).Postgres!;
        Admin($"CREATE DATABASE {Database} OWNER {user.Username}");
        var b = new UriBuilder(Url!) { Path = "/" + Database };
        DatabaseUrl = b.Uri.ToString();
        Storage = StudyStorage.Parse(DatabaseUrl);
    }

    public string Database { get; }

    /// <summary>postgresql://user:password@host:port/database of this test's database.</summary>
    public string DatabaseUrl { get; }

    public StudyStorage Storage { get; }

    public string Host => Storage.Postgres!.Host!;

    public int Port => Storage.Postgres!.Port;

    public string User => Storage.Postgres!.Username!;

    public string Password => Storage.Postgres!.Password!;

    /// <summary>This database's URL through another port (a proxy's) on 127.0.0.1.</summary>
    public string UrlVia(int port) => new UriBuilder(DatabaseUrl) { Host = "127.0.0.1", Port = port }.Uri.ToString();

    /// <summary>Runs SQL as the superuser, in the maintenance database or (with <paramref name="inDatabase"/>) in this one.</summary>
    public void Admin(string sql, bool inDatabase = false)
    {
        var builder = StudyStorage.Parse(AdminUrl!).Postgres!;
        if (inDatabase) builder.Database = Database;
        builder.Pooling = false;
        using var c = new NpgsqlConnection(builder.ConnectionString);
        c.Open();
        using var command = new NpgsqlCommand(sql, c);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL (any number of statements) as the test user in this database.</summary>
    public void Execute(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(Storage.Postgres!.ConnectionString) { Pooling = false };
        using var c = new NpgsqlConnection(builder.ConnectionString);
        c.Open();
        using var command = new NpgsqlCommand(sql, c);
        command.ExecuteNonQuery();
    }

    /// <summary>A query's first column, as the test user in this database.</summary>
    public List<T> Query<T>(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(Storage.Postgres!.ConnectionString) { Pooling = false };
        using var c = new NpgsqlConnection(builder.ConnectionString);
        c.Open();
        using var command = new NpgsqlCommand(sql, c);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(reader.GetFieldValue<T>(0));
        return rows;
    }

    public void Dispose()
    {
        try { Admin($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)"); }
        catch (NpgsqlException) { } // the server may be down after a failed restart test; the cluster is thrown away anyway
    }
}
