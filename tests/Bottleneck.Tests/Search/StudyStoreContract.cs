using System.Collections.Concurrent;
using System.Diagnostics;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

/// <summary>
/// What every study store must do, whichever database holds it: each check is run for SQLite (SqliteStudyStoreTests) and
/// PostgreSQL (PostgresStudyStoreTests) through a thin test there.
/// </summary>
public abstract class StudyStoreContract
{
    /// <summary>A store on this test's database; every call on one test sees the same study.</summary>
    internal abstract IStudyStore Create(TimeSpan? grace = null);

    /// <summary>How often each stage of the trial was committed.</summary>
    protected abstract IReadOnlyDictionary<string, long> Saves(string key);

    // Workers of this process under different names, as separate threads or processes would be.
    protected static string Worker(string tag) => WorkerId.Format(WorkerId.ThisHost, Environment.ProcessId, tag);

    // Workers that ran on another machine: only their heartbeat tells whether they live.
    protected static string Elsewhere(string tag) => WorkerId.Format("elsewhere", 4242, tag);

    protected static string[] Keys(int count) => [.. Enumerable.Range(0, count).Select(i => $"{{\"lr\":{i}}}")];

    protected void Definition_round_trips_and_a_different_study_is_refused_in_one_line()
    {
        const string definition = """{"epochs":20,"lr":[0.1,0.01],"folds":3}""";
        using (var store = Create())
        {
            store.Open(definition, "ab".PadRight(64, '0'));
            store.Definition.Should().Be(definition);
        }

        using var reopened = Create();
        reopened.Definition.Should().Be(definition);
        reopened.Open(definition, "ab".PadRight(64, '0'));
        reopened.Open(definition);

        var refused = reopened.Invoking(s => s.Open("""{"epochs":30,"lr":[0.1,0.01],"folds":3}""")).Should().Throw<StudyMismatchException>().Which;
        refused.Message.Should().Contain(reopened.Name).And.Contain("epochs").And.NotContain("lr").And.NotContain("\n");
        reopened.Invoking(s => s.Open("""{"epochs": 20, "lr": [0.1, 0.01], "folds": 3}""")).Should().Throw<StudyMismatchException>("the same study must be the same JSON text");
        reopened.Invoking(s => s.Open(definition, "cd".PadRight(64, '0'))).Should().Throw<StudyMismatchException>()
            .Which.Message.Should().Contain("other data").And.Contain("ab0000000000").And.Contain("cd0000000000");
        reopened.Definition.Should().Be(definition);
    }

    protected void AddTrials_is_idempotent_and_keeps_first_insertion_order()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["c", "a", "b"]);
        store.AddTrials(["a", "d", "c", "d"]);
        store.Trials().Select(t => t.Key).Should().Equal("c", "a", "b", "d");
        store.Trials().Should().OnlyContain(t => t.ResultJson == null && t.ClaimedBy == null);
    }

    protected void Promotions_add_their_job_once_keep_the_first_decision_and_idle_time_adds_up()
    {
        using (var store = Create())
        {
            store.Open("{}");
            store.AddTrials(["a", "b"]);
            store.Promote("a3", "first");
            store.Promote("b3", "second");
            store.Promote("a3", "again"); // another worker that decided the same at once
            store.AddTrials(["c"]);
            store.Trials().Select(t => t.Key).Should().Equal("a", "b", "a3", "b3", "c");
            store.ClaimNext(Worker("w")).Should().Be(new Claim("a", 1));
            store.AddIdle(Worker("w"), 1.5);
            store.AddIdle(Worker("w"), 0.25);
            store.AddIdle(Elsewhere("v"), 2);
        }
        using var reopened = Create();
        reopened.Promotions().Should().Equal("first", "second");
        reopened.IdleSeconds().Should().BeEquivalentTo(new Dictionary<string, double> { [Worker("w")] = 1.75, [Elsewhere("v")] = 2 });
    }

    protected void Stages_and_results_are_saved_and_read_back_after_reopening()
    {
        using (var store = Create())
        {
            store.Open("{}");
            store.AddTrials(["a", "b"]);
            store.SaveStage("a", "fold0", """{"mse":0.5}""");
            store.SaveStage("a", "rung1/fold2", """{"mse":0.4}""");
            store.SaveStage("a", "fold0", """{"mse":0.5}""");
            store.Complete("b", """{"mse":0.3}""");
        }

        using var reopened = Create();
        reopened.Stages("a").Should().Equal(new Dictionary<string, string>
        {
            ["fold0"] = """{"mse":0.5}""",
            ["rung1/fold2"] = """{"mse":0.4}""",
        });
        reopened.Stages("a").Keys.Should().Equal("fold0", "rung1/fold2");
        Saves("a").Should().Equal(new Dictionary<string, long> { ["fold0"] = 2, ["rung1/fold2"] = 1 });
        reopened.Stages("b").Should().BeEmpty();
        reopened.Trials().Should().Equal(new StoredTrial("a", null, null), new StoredTrial("b", """{"mse":0.3}""", null));
        reopened.Invoking(s => s.SaveStage("zzz", "fold0", "{}")).Should().Throw<KeyNotFoundException>().WithMessage("*zzz*");
    }

    protected void Complete_stores_the_result_and_releases_the_claim()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a", "b"]);
        string worker = Worker("w");
        var claim = store.ClaimNext(worker)!.Value;
        claim.Key.Should().Be("a");
        store.Trials()[0].ClaimedBy.Should().Be(worker);

        store.Complete("a", """{"mse":1}""", claim, worker);
        store.Trials()[0].Should().Be(new StoredTrial("a", """{"mse":1}""", null));
        store.ClaimNext(Worker("other"))?.Key.Should().Be("b", "a finished trial is never claimed again");

        store.Complete("a", """{"mse":2}""");
        store.Trials()[0].ResultJson.Should().Be("""{"mse":1}""", "a finished trial keeps its first result");
    }

    protected void Release_frees_only_the_holders_claim()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a"]);
        var claim = store.ClaimNext(Worker("holder"))!.Value;

        store.Release(claim, Worker("intruder"));
        store.ClaimNext(Worker("intruder")).Should().BeNull();

        store.Release(claim, Worker("holder"));
        store.Trials()[0].ClaimedBy.Should().BeNull();
        var again = store.ClaimNext(Worker("intruder"))!.Value;
        again.Key.Should().Be("a");
        again.Token.Should().BeGreaterThan(claim.Token, "every claim of a trial has a new token");
    }

    protected void Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once()
    {
        using var store = Create();
        store.Open("{}");
        string[] keys = Keys(200);
        store.AddTrials(keys);

        var claimed = new ConcurrentBag<string>();
        using var start = new Barrier(2);
        var threads = new[] { "t1", "t2" }.Select(tag => new Thread(() =>
        {
            start.SignalAndWait();
            while (store.ClaimNext(Worker(tag)) is { } claim) claimed.Add(claim.Key);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        claimed.Should().BeEquivalentTo(keys, "every trial is claimed once, none twice");
        store.Trials().Select(t => t.ClaimedBy).Should().OnlyContain(w => w == Worker("t1") || w == Worker("t2"));
    }

    // Each worker has its own store and so its own connections: the database's locks, not the store's in-process
    // lock, keep them apart, as they would two processes.
    protected void Four_connections_claiming_and_completing_do_every_trial_exactly_once()
    {
        string[] keys = Keys(40);
        using (var setup = Create())
        {
            setup.Open("""{"study":"four connections"}""");
            setup.AddTrials(keys);
        }

        var completed = new ConcurrentBag<(string Key, string Worker)>();
        string[] tags = ["p1", "p2", "p3", "p4"];
        using var start = new Barrier(tags.Length);
        var threads = tags.Select(tag => new Thread(() =>
        {
            using var store = Create();
            store.Open("""{"study":"four connections"}""");
            string worker = Worker(tag);
            start.SignalAndWait();
            while (store.ClaimNext(worker) is { } claim)
            {
                store.SaveStage(claim.Key, "fold0", $$"""{"worker":"{{tag}}"}""", claim, worker);
                Thread.Sleep(2);
                store.Complete(claim.Key, $$"""{"worker":"{{tag}}"}""", claim, worker);
                completed.Add((claim.Key, tag));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        completed.Select(c => c.Key).Should().BeEquivalentTo(keys, "every trial is done once, none twice");
        using var check = Create();
        var byKey = completed.ToDictionary(c => c.Key, c => c.Worker);
        check.Trials().Should().HaveCount(keys.Length).And.OnlyContain(t => t.ClaimedBy == null);
        foreach (var trial in check.Trials())
        {
            trial.ResultJson.Should().Be($$"""{"worker":"{{byKey[trial.Key]}}"}""");
            check.Stages(trial.Key)["fold0"].Should().Be(trial.ResultJson, "the fold was saved by the worker that finished the trial");
            Saves(trial.Key)["fold0"].Should().Be(1);
        }
    }

    protected void Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["dead's", "live's"]);
        string dead = WorkerId.Format(WorkerId.ThisHost, int.MaxValue, "gone"); // no system hands out this PID
        store.ClaimNext(dead)?.Key.Should().Be("dead's");
        using var other = Create(); // another process's view: this one never held dead's claim
        other.ClaimNext(Worker("successor"))?.Key.Should().Be("dead's", "its claimant's process does not exist");
        other.ClaimNext(Worker("other"))?.Key.Should().Be("live's");
        other.ClaimNext(Worker("third")).Should().BeNull("both claimants are alive: this process runs them");
    }

    protected void Claim_of_a_killed_worker_process_goes_to_the_next_worker()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a", "b"]);
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            string victim = WorkerId.Format(WorkerId.ThisHost, child.Id, "victim");
            store.ClaimNext(victim)?.Key.Should().Be("a");
            store.ClaimNext(Worker("survivor"))?.Key.Should().Be("b", "the worker holding a still runs");

            child.Kill(); // SIGKILL: no chance to release anything
            child.WaitForExit();

            store.ClaimNext(Worker("successor"))?.Key.Should().Be("a");
            store.Trials()[0].ClaimedBy.Should().Be(Worker("successor"));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }

    // Fencing: a worker whose heartbeat lapsed and whose trial went to another cannot commit into it any more.
    protected void Late_commit_of_a_reclaimed_trial_is_refused_and_stores_nothing()
    {
        var grace = TimeSpan.FromSeconds(1);
        using var store = Create(grace);
        store.Open("{}");
        store.AddTrials(["a"]);
        string slow = Elsewhere("slow"), fast = Elsewhere("fast");
        var first = store.ClaimNext(slow)!.Value;
        store.SaveStage("a", "fold0", """{"by":"slow"}""", first, slow);

        Thread.Sleep(grace + TimeSpan.FromMilliseconds(400));
        var second = store.ClaimNext(fast)!.Value;
        second.Key.Should().Be("a", "the slow worker's heartbeat is older than the grace period");
        second.Token.Should().BeGreaterThan(first.Token);

        store.Invoking(s => s.SaveStage("a", "fold1", """{"by":"slow"}""", first, slow)).Should().Throw<ClaimLostException>()
            .Which.Message.Should().Contain("another worker");
        store.Invoking(s => s.Complete("a", """{"by":"slow"}""", first, slow)).Should().Throw<ClaimLostException>();
        store.Stages("a").Keys.Should().Equal("fold0");

        store.SaveStage("a", "fold1", """{"by":"fast"}""", second, fast);
        store.Complete("a", """{"by":"fast"}""", second, fast);
        store.Trials()[0].ResultJson.Should().Be("""{"by":"fast"}""");
        store.Invoking(s => s.Complete("a", """{"by":"slow"}""", first, slow)).Should().Throw<ClaimLostException>();
        Saves("a").Values.Should().OnlyContain(n => n == 1, "nothing was committed twice");
    }

    protected void A_failing_trial_is_retried_then_recorded_as_failed()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a", "b"]);
        string worker = Worker("w");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var claim = store.ClaimNext(worker)!.Value;
            claim.Key.Should().Be("a", "a failed trial goes back to the queue until its retries are used up");
            store.Fail(claim, worker, "boom", maxRetries: 2, """{"status":"failed"}""").Should().Be(attempt);
            store.Fail(claim, worker, "boom", maxRetries: 2, """{"status":"failed"}""").Should().Be(attempt, "a repeated call counts nothing");
        }
        store.Trials()[0].ResultJson.Should().Be("""{"status":"failed"}""");
        store.ClaimNext(worker)?.Key.Should().Be("b");
    }

    protected void Heartbeat_lists_the_worker_as_live()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a"]);
        store.LiveWorkers().Should().BeEmpty();
        store.Heartbeat(Worker("w"));
        store.Heartbeat(Elsewhere("far"));
        store.LiveWorkers().Should().BeEquivalentTo([Worker("w"), Elsewhere("far")]);
        store.Heartbeat(WorkerId.Format(WorkerId.ThisHost, int.MaxValue, "gone"));
        store.LiveWorkers().Should().HaveCount(2, "a worker of this host whose process is gone is not live");
    }
}
