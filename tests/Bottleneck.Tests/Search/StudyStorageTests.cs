using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public sealed class StudyStorageTests
{
    [Fact]
    public void PostgreSQL_URL_gives_its_parts_and_shows_no_password()
    {
        var s = StudyStorage.Parse("postgresql://ana:s%40cret%3Aword@db.example.org:6543/studies?sslmode=require&connect_timeout=7");
        s.Kind.Should().Be(StudyStorageKind.Postgres);
        s.Postgres!.Host.Should().Be("db.example.org");
        s.Postgres.Port.Should().Be(6543);
        s.Postgres.Database.Should().Be("studies");
        s.Postgres.Username.Should().Be("ana");
        s.Postgres.Password.Should().Be("s@cret:word");
        s.Postgres.Timeout.Should().Be(7);
        s.Display.Should().Be("postgresql://ana@db.example.org:6543/studies?sslmode=require&connect_timeout=7");
        s.ToString().Should().NotContain("cret");

        var plain = StudyStorage.Parse("postgres://ana@127.0.0.1/studies");
        plain.Postgres!.Port.Should().Be(StudyStorage.DefaultPort);
        plain.Postgres.Password.Should().BeNull("PGPASSWORD or a PGPASSFILE gives it");
    }

    [Fact]
    public void SQLite_URL_names_a_file()
    {
        StudyStorage.Parse("sqlite:runs/study.db").Path.Should().Be("runs/study.db");
        StudyStorage.Parse("sqlite:///tmp/study.db").Path.Should().Be("/tmp/study.db");
        StudyStorage.Parse("sqlite:x.db").Kind.Should().Be(StudyStorageKind.Sqlite);
    }

    [Theory]
    [InlineData("mysql://ana:hunter2@host/db", "must be postgresql://")]
    [InlineData("postgresql://ana:hunter2@host/", "names no database")]
    [InlineData("postgresql://ana:hunter2@host/db?pool=9", "takes the parameters")]
    [InlineData("postgresql://ana:hunter2@host/db?sslmode=sometimes", "sslmode must be")]
    [InlineData("sqlite:", "needs a file")]
    public void Bad_URL_is_one_setting_error_without_the_password(string url, string expected)
    {
        var e = FluentActions.Invoking(() => StudyStorage.Parse(url)).Should().Throw<SettingException>().Which;
        e.Setting.Should().Be("storage");
        e.Message.Should().Contain(expected).And.NotContain("hunter2").And.NotContain("\n");
    }

    [Theory]
    [InlineData("postgresql://ana:pw@host:5432/db", "postgresql://ana@host:5432/db")]
    [InlineData("postgresql://ana@host/db", "postgresql://ana@host/db")]
    [InlineData("postgresql://host/db", "postgresql://host/db")]
    [InlineData("https://a:b@example.org/x?y=1", "https://a@example.org/x?y=1")]
    [InlineData("--epochs", "--epochs")]
    public void Redact_leaves_out_only_the_password(string url, string shown) => StudyStorage.Redact(url).Should().Be(shown);
}
