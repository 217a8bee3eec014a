using System.Collections.Concurrent;
using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;
using Microsoft.Data.Sqlite;

namespace Bottleneck.Tests.Search;

public sealed class SqliteStudyStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-store-tests-").FullName;

    private string StorePath => Path.Combine(_dir, "study.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Workers of this process under different names, as separate threads or processes would be.
    private static string Worker(string tag) => WorkerId.Format(WorkerId.ThisHost, Environment.ProcessId, tag);

    // Workers that ran on another machine: only their heartbeat tells whether they live.
    private static string Elsewhere(string tag) => WorkerId.Format("elsewhere", 4242, tag);

    private static string[] Keys(int count) => [.. Enumerable.Range(0, count).Select(i => $"{{\"lr\":{i}}}")];

    [Fact]
    public void Definition_round_trips_and_a_different_study_is_refused_in_one_line()
    {
        const string definition = """{"epochs":20,"lr":[0.1,0.01],"folds":3}""";
        using (var store = new SqliteStudyStore(StorePath))
        {
            store.Open(definition);
            store.Definition.Should().Be(definition);
        }

        using var reopened = new SqliteStudyStore(StorePath);
        reopened.Definition.Should().Be(definition);
        reopened.Open(definition);

        var refused = reopened.Invoking(s => s.Open("""{"epochs":30,"lr":[0.1,0.01],"folds":3}""")).Should().Throw<StudyMismatchException>().Which;
        refused.Message.Should().Contain(StorePath).And.Contain("epochs").And.NotContain("lr").And.NotContain("\n");
        reopened.Invoking(s => s.Open("""{"epochs": 20, "lr": [0.1, 0.01], "folds": 3}""")).Should().Throw<StudyMismatchException>("the same study must be the same JSON text");
        reopened.Definition.Should().Be(definition);
    }

    [Fact]
    public void AddTrials_is_idempotent_and_keeps_first_insertion_order()
    {
        using var store = new SqliteStudyStore(StorePath);
        store.AddTrials(["c", "a", "b"]);
        store.AddTrials(["a", "d", "c", "d"]);
        store.Trials().Select(t => t.Key).Should().Equal("c", "a", "b", "d");
        store.Trials().Should().OnlyContain(t => t.ResultJson == null && t.ClaimedBy == null);
    }

    [Fact]
    public void Stages_and_results_are_saved_and_read_back_after_reopening()
    {
        using (var store = new SqliteStudyStore(StorePath))
        {
            store.AddTrials(["a", "b"]);
            store.SaveStage("a", "fold0", """{"mse":0.5}""");
            store.SaveStage("a", "rung1/fold2", """{"mse":0.4}""");
            store.SaveStage("a", "fold0", """{"mse":0.5}""");
            store.Complete("b", """{"mse":0.3}""");
        }

        using var reopened = new SqliteStudyStore(StorePath);
        reopened.Stages("a").Should().Equal(new Dictionary<string, string>
        {
            ["fold0"] = """{"mse":0.5}""",
            ["rung1/fold2"] = """{"mse":0.4}""",
        });
        reopened.Stages("a").Keys.Should().Equal("fold0", "rung1/fold2");
        reopened.Stages("b").Should().BeEmpty();
        reopened.Trials().Should().Equal(new StoredTrial("a", null, null), new StoredTrial("b", """{"mse":0.3}""", null));
        reopened.Invoking(s => s.SaveStage("zzz", "fold0", "{}")).Should().Throw<KeyNotFoundException>().WithMessage($"*{StorePath}*zzz*");
    }

    [Fact]
    public void Complete_stores_the_result_and_releases_the_claim()
    {
        using var store = new SqliteStudyStore(StorePath);
        store.AddTrials(["a", "b"]);
        string worker = Worker("w");
        store.ClaimNext(worker).Should().Be("a");
        store.Trials()[0].ClaimedBy.Should().Be(worker);

        store.Complete("a", """{"mse":1}""");
        store.Trials()[0].Should().Be(new StoredTrial("a", """{"mse":1}""", null));
        store.ClaimNext(Worker("other")).Should().Be("b", "a finished trial is never claimed again");

        store.Complete("a", """{"mse":2}""");
        store.Trials()[0].ResultJson.Should().Be("""{"mse":1}""", "a finished trial keeps its first result");
    }

    [Fact]
    public void Release_frees_only_the_holders_claim()
    {
        using var store = new SqliteStudyStore(StorePath);
        store.AddTrials(["a"]);
        store.ClaimNext(Worker("holder")).Should().Be("a");

        store.Release("a", Worker("intruder"));
        store.ClaimNext(Worker("intruder")).Should().BeNull();

        store.Release("a", Worker("holder"));
        store.Trials()[0].ClaimedBy.Should().BeNull();
        store.ClaimNext(Worker("intruder")).Should().Be("a");
    }

    [Fact]
    public void Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once()
    {
        using var store = new SqliteStudyStore(StorePath);
        string[] keys = Keys(200);
        store.AddTrials(keys);

        var claimed = new ConcurrentBag<string>();
        using var start = new Barrier(2);
        var threads = new[] { "t1", "t2" }.Select(tag => new Thread(() =>
        {
            start.SignalAndWait();
            while (store.ClaimNext(Worker(tag)) is { } key) claimed.Add(key);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        claimed.Should().BeEquivalentTo(keys, "every trial is claimed once, none twice");
        store.Trials().Select(t => t.ClaimedBy).Should().OnlyContain(w => w == Worker("t1") || w == Worker("t2"));
    }

    // Each worker has its own store and so its own SQLite connection: SQLite's file locks, not the
    // store's in-process lock, keep them apart, as they would two processes.
    [Fact]
    public void Two_connections_claiming_and_completing_do_every_trial_exactly_once()
    {
        string[] keys = Keys(30);
        using (var setup = new SqliteStudyStore(StorePath))
        {
            setup.Open("""{"study":"two connections"}""");
            setup.AddTrials(keys);
        }

        var completed = new ConcurrentBag<(string Key, string Worker)>();
        using var start = new Barrier(2);
        var threads = new[] { "p1", "p2" }.Select(tag => new Thread(() =>
        {
            using var store = new SqliteStudyStore(StorePath);
            store.Open("""{"study":"two connections"}""");
            string worker = Worker(tag);
            start.SignalAndWait();
            while (store.ClaimNext(worker) is { } key)
            {
                store.SaveStage(key, "fold0", $$"""{"worker":"{{tag}}"}""");
                Thread.Sleep(2);
                store.Complete(key, $$"""{"worker":"{{tag}}"}""");
                completed.Add((key, tag));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        completed.Select(c => c.Key).Should().BeEquivalentTo(keys, "every trial is done once, none twice");
        using var check = new SqliteStudyStore(StorePath);
        var byKey = completed.ToDictionary(c => c.Key, c => c.Worker);
        check.Trials().Should().HaveCount(keys.Length).And.OnlyContain(t => t.ClaimedBy == null);
        foreach (var trial in check.Trials())
        {
            trial.ResultJson.Should().Be($$"""{"worker":"{{byKey[trial.Key]}}"}""");
            check.Stages(trial.Key)["fold0"].Should().Be(trial.ResultJson, "the fold was saved by the worker that finished the trial");
        }
    }

    [Fact]
    public void Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not()
    {
        using var store = new SqliteStudyStore(StorePath);
        store.AddTrials(["dead's", "live's"]);
        string dead = WorkerId.Format(WorkerId.ThisHost, int.MaxValue, "gone"); // no system hands out this PID
        store.ClaimNext(dead).Should().Be("dead's");
        store.ClaimNext(WorkerId.ForThisProcess()).Should().Be("dead's", "its claimant's process does not exist");
        store.ClaimNext(Worker("other")).Should().Be("live's");
        store.ClaimNext(Worker("third")).Should().BeNull("both claimants are alive: this process runs them");
    }

    [Fact]
    public void Claim_of_a_killed_worker_process_goes_to_the_next_worker()
    {
        using var store = new SqliteStudyStore(StorePath);
        store.AddTrials(["a", "b"]);
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            string victim = WorkerId.Format(WorkerId.ThisHost, child.Id, "victim");
            store.ClaimNext(victim).Should().Be("a");
            store.ClaimNext(Worker("survivor")).Should().Be("b", "the worker holding a still runs");

            child.Kill(); // SIGKILL: no chance to release anything
            child.WaitForExit();

            store.ClaimNext(Worker("successor")).Should().Be("a");
            store.Trials()[0].ClaimedBy.Should().Be(Worker("successor"));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }

    [Fact]
    public void Stale_heartbeat_frees_a_claim_and_a_heartbeat_keeps_it()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = new SqliteStudyStore(StorePath, staleAfter: TimeSpan.FromSeconds(60), time: clock);
        store.AddTrials(["a", "b", "c"]);
        store.ClaimNext(Elsewhere("far")).Should().Be("a");

        clock.Advance(TimeSpan.FromSeconds(59));
        store.ClaimNext(Elsewhere("w2")).Should().Be("b", "a's heartbeat is 59 s old");
        store.Heartbeat(Elsewhere("far"));

        clock.Advance(TimeSpan.FromSeconds(59));
        store.ClaimNext(Elsewhere("w3")).Should().Be("c", "the heartbeat kept a's claim");

        clock.Advance(TimeSpan.FromSeconds(2));
        store.ClaimNext(Elsewhere("far")).Should().Be("b", "a worker is never handed its own claim again, stale or not; b's heartbeat is 61 s old");
        store.ClaimNext(Elsewhere("w4")).Should().Be("a", "a's heartbeat is 61 s old");
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

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
