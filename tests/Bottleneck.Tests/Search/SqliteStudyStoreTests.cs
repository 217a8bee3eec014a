using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;
using Microsoft.Data.Sqlite;

namespace Bottleneck.Tests.Search;

public sealed class SqliteStudyStoreTests : StudyStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-store-tests-").FullName;

    private string StorePath => Path.Combine(_dir, "study.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal override IStudyStore Create(TimeSpan? grace = null) => new SqliteStudyStore(StorePath, grace);

    protected override IReadOnlyDictionary<string, long> Saves(string key)
    {
        using var c = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT stage, saves FROM stages WHERE key = $key";
        q.Parameters.AddWithValue("$key", key);
        using var r = q.ExecuteReader();
        var saves = new Dictionary<string, long>();
        while (r.Read()) saves[r.GetString(0)] = r.GetInt64(1);
        return saves;
    }

    [Fact] public void Definition_round_trips_and_a_different_study_is_refused_in_one_line_() => Definition_round_trips_and_a_different_study_is_refused_in_one_line();
    [Fact] public void AddTrials_is_idempotent_and_keeps_first_insertion_order_() => AddTrials_is_idempotent_and_keeps_first_insertion_order();
    [Fact] public void Promotions_add_their_job_once_keep_the_first_decision_and_idle_time_adds_up_() => Promotions_add_their_job_once_keep_the_first_decision_and_idle_time_adds_up();
    [Fact] public void Stages_and_results_are_saved_and_read_back_after_reopening_() => Stages_and_results_are_saved_and_read_back_after_reopening();
    [Fact] public void Complete_stores_the_result_and_releases_the_claim_() => Complete_stores_the_result_and_releases_the_claim();
    [Fact] public void Release_frees_only_the_holders_claim_() => Release_frees_only_the_holders_claim();
    [Fact] public void Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once_() => Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once();
    [Fact] public void Four_connections_claiming_and_completing_do_every_trial_exactly_once_() => Four_connections_claiming_and_completing_do_every_trial_exactly_once();
    [Fact] public void Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not_() => Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not();
    [Fact] public void Claim_of_a_killed_worker_process_goes_to_the_next_worker_() => Claim_of_a_killed_worker_process_goes_to_the_next_worker();
    [Fact] public void Late_commit_of_a_reclaimed_trial_is_refused_and_stores_nothing_() => Late_commit_of_a_reclaimed_trial_is_refused_and_stores_nothing();
    [Fact] public void A_failing_trial_is_retried_then_recorded_as_failed_() => A_failing_trial_is_retried_then_recorded_as_failed();
    [Fact] public void Heartbeat_lists_the_worker_as_live_() => Heartbeat_lists_the_worker_as_live();

    [Fact]
    public void Stale_heartbeat_frees_a_claim_and_a_heartbeat_keeps_it()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = new SqliteStudyStore(StorePath, staleAfter: TimeSpan.FromSeconds(60), time: clock);
        store.AddTrials(["a", "b", "c"]);
        store.ClaimNext(Elsewhere("far"))?.Key.Should().Be("a");

        clock.Advance(TimeSpan.FromSeconds(59));
        store.ClaimNext(Elsewhere("w2"))?.Key.Should().Be("b", "a's heartbeat is 59 s old");
        store.Heartbeat(Elsewhere("far"));

        clock.Advance(TimeSpan.FromSeconds(59));
        store.ClaimNext(Elsewhere("w3"))?.Key.Should().Be("c", "the heartbeat kept a's claim");

        clock.Advance(TimeSpan.FromSeconds(2));
        store.ClaimNext(Elsewhere("far"))?.Key.Should().Be("b", "a worker is never handed its own claim again, stale or not; b's heartbeat is 61 s old");
        store.ClaimNext(Elsewhere("w4"))?.Key.Should().Be("a", "a's heartbeat is 61 s old");
    }

    [Fact]
    public void WorkerId_for_this_process_names_this_host_and_pid()
    {
        string id = WorkerId.ForThisProcess();
        WorkerId.TryParse(id, out string host, out int pid).Should().BeTrue();
        host.Should().Be(WorkerId.ThisHost);
        pid.Should().Be(Environment.ProcessId);
        WorkerId.ForThisProcess().Should().Be(id);
        WorkerId.HasExited(id).Should().BeFalse();
        WorkerId.TryParse("not-a-worker-id", out _, out _).Should().BeFalse();
    }

    [Fact]
    public void Text_file_is_refused_naming_the_file()
    {
        File.WriteAllText(StorePath, string.Concat(Enumerable.Repeat("epoch,loss\n1,0.5\n", 400)));
        var act = () => new SqliteStudyStore(StorePath);
        act.Should().Throw<DataFormatException>().Which.Message.Should().Be($"{StorePath} is not a study store (not an SQLite database)");
    }

    [Fact]
    public void Sqlite_database_of_another_program_is_refused_naming_the_file()
    {
        using (var other = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE people (name TEXT)";
            create.ExecuteNonQuery();
        }
        var act = () => new SqliteStudyStore(StorePath);
        act.Should().Throw<DataFormatException>().WithMessage($"{StorePath} is an SQLite database but not a study store*");
    }

    [Fact]
    public void Damaged_store_is_refused_naming_the_file()
    {
        using (var store = new SqliteStudyStore(StorePath))
        {
            store.AddTrials(Keys(500));
        }
        // Keep page 1 (the schema) and overwrite every later page, where the trials live.
        using (var file = new FileStream(StorePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, (int)file.Length - 4096).ToArray());
        }
        var act = () =>
        {
            using var store = new SqliteStudyStore(StorePath);
            return store.Trials();
        };
        act.Should().Throw<DataFormatException>().WithMessage($"{StorePath} is a damaged study store*");
    }

    // A store made by Bottleneck 0.6 (schema version 1: Fixtures/study-v1, a finished 2-trial tune on digits) opens, migrates
    // forward in place, and keeps every trial, fold and invocation.
    [Fact]
    public void Schema_version_1_store_is_migrated_forward_and_keeps_everything()
    {
        File.Copy(Fixture.Path("study-v1/study.db"), StorePath);
        using (var store = Create())
        {
            store.Definition.Should().Contain("\"dataset\":\"digits\"");
            store.Trials().Select(t => t.Key).Should().Equal("{\"lr\":0.001}", "{\"lr\":0.003}");
            store.Trials().Should().OnlyContain(t => t.ResultJson != null && t.ResultJson.Contains("\"status\":\"completed\""));
            store.Stages("{\"lr\":0.001}").Keys.Should().Equal("b2/fold0", "b2/fold1");
            store.Invocations().Should().ContainSingle().Which.Should().Contain("bottleneck tune");
            store.Open(store.Definition!, "ab".PadRight(64, '0'));
            store.AddTrials(["{\"lr\":0.01}"]);
            var claim = store.ClaimNext(Worker("w"))!.Value;
            claim.Should().Be(new Claim("{\"lr\":0.01}", 1));
        }
        Meta("schema_version").Should().Be(SqliteStudyStore.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Saves("{\"lr\":0.001}").Values.Should().Equal(1, 1);
    }

    [Fact]
    public void Store_of_a_newer_schema_is_refused_naming_the_file()
    {
        using (var store = Create()) store.Open("{}");
        using (var c = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            c.Open();
            using var bump = c.CreateCommand();
            bump.CommandText = $"UPDATE meta SET value = '{SqliteStudyStore.SchemaVersion + 1}' WHERE name = 'schema_version'";
            bump.ExecuteNonQuery();
        }
        var act = () => new SqliteStudyStore(StorePath);
        act.Should().Throw<DataFormatException>().WithMessage($"{StorePath} is a study store of schema version {SqliteStudyStore.SchemaVersion + 1}, made by a newer Bottleneck*");
    }

    private string? Meta(string name)
    {
        using var c = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT value FROM meta WHERE name = $name";
        q.Parameters.AddWithValue("$name", name);
        return q.ExecuteScalar() as string;
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
