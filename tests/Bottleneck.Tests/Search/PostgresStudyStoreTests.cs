using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

/// <summary>The study store contract on a real PostgreSQL server, and what only a shared server has: many studies, lost connections.</summary>
public sealed class PostgresStudyStoreTests : StudyStoreContract, IDisposable
{
    private readonly TestPostgres? _db = TestPostgres.Url is null ? null : new TestPostgres();

    public void Dispose() => _db?.Dispose();

    private TestPostgres Db => _db!;

    internal override IStudyStore Create(TimeSpan? grace = null) => new PostgresStudyStore(Db.Storage, "contract", grace);

    protected override IReadOnlyDictionary<string, long> Saves(string key) =>
        Db.Query<string>($"SELECT stage || '=' || saves FROM bottleneck.stages WHERE study = 'contract' AND key = '{key.Replace("'", "''")}'")
          .Select(s => s.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    [PostgresFact] public void Definition_round_trips_and_a_different_study_is_refused_in_one_line_() => Definition_round_trips_and_a_different_study_is_refused_in_one_line();
    [PostgresFact] public void AddTrials_is_idempotent_and_keeps_first_insertion_order_() => AddTrials_is_idempotent_and_keeps_first_insertion_order();
    [PostgresFact] public void Promotions_add_their_job_once_keep_the_first_decision_and_idle_time_adds_up_() => Promotions_add_their_job_once_keep_the_first_decision_and_idle_time_adds_up();
    [PostgresFact] public void Stages_and_results_are_saved_and_read_back_after_reopening_() => Stages_and_results_are_saved_and_read_back_after_reopening();
    [PostgresFact] public void Complete_stores_the_result_and_releases_the_claim_() => Complete_stores_the_result_and_releases_the_claim();
    [PostgresFact] public void Release_frees_only_the_holders_claim_() => Release_frees_only_the_holders_claim();
    [PostgresFact] public void Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once_() => Two_threads_hammering_ClaimNext_claim_every_trial_exactly_once();
    [PostgresFact] public void Four_connections_claiming_and_completing_do_every_trial_exactly_once_() => Four_connections_claiming_and_completing_do_every_trial_exactly_once();
    [PostgresFact] public void Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not_() => Claim_by_a_PID_that_no_longer_exists_on_this_host_is_free_and_a_live_workers_is_not();
    [PostgresFact] public void Claim_of_a_killed_worker_process_goes_to_the_next_worker_() => Claim_of_a_killed_worker_process_goes_to_the_next_worker();
    [PostgresFact] public void Late_commit_of_a_reclaimed_trial_is_refused_and_stores_nothing_() => Late_commit_of_a_reclaimed_trial_is_refused_and_stores_nothing();
    [PostgresFact] public void A_failing_trial_is_retried_then_recorded_as_failed_() => A_failing_trial_is_retried_then_recorded_as_failed();
    [PostgresFact] public void Heartbeat_lists_the_worker_as_live_() => Heartbeat_lists_the_worker_as_live();

    // CI once saw a worker whose connection was cut and restored exit on the IOException Npgsql let through unwrapped while
    // opening a connection's stream; such faults are retried like any other lost connection, and a misspelt host is not.
    [Fact]
    public void A_socket_fault_while_connecting_is_retried_and_a_misspelt_host_is_not()
    {
        PostgresStudyStore.IsConnectionFault(new IOException("The operation is not allowed on non-connected sockets.")).Should().BeTrue();
        PostgresStudyStore.IsConnectionFault(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)).Should().BeTrue();
        PostgresStudyStore.IsConnectionFault(new Npgsql.NpgsqlException("no such host", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)))
            .Should().BeFalse();
        PostgresStudyStore.IsConnectionFault(new InvalidOperationException("a bug")).Should().BeFalse();
    }

    [PostgresFact]
    public void Two_studies_in_one_database_do_not_see_each_others_trials()
    {
        using var a = new PostgresStudyStore(Db.Storage, "study-a");
        using var b = new PostgresStudyStore(Db.Storage, "study-b");
        a.Open("""{"study":"a"}""");
        b.Open("""{"study":"b"}""");
        a.AddTrials(["x", "y"]);
        b.AddTrials(["x"]);
        a.SaveStage("x", "fold0", "{\"in\":\"a\"}");
        var claim = b.ClaimNext(Worker("w"))!.Value;
        b.Complete("x", "{\"in\":\"b\"}", claim, Worker("w"));

        a.Trials().Should().Equal(new StoredTrial("x", null, null), new StoredTrial("y", null, null));
        b.Trials().Should().Equal(new StoredTrial("x", "{\"in\":\"b\"}", null));
        b.Stages("x").Should().BeEmpty();
        a.Definition.Should().Be("""{"study":"a"}""");
        PostgresStudyStore.Studies(Db.Storage).Should().Equal("study-a", "study-b");
        a.Name.Should().Contain("study-a").And.NotContain(Db.Password);
    }

    // The reply to a claim can be lost after the server committed it; the worker's next claim finds it again instead of leaving it held by nobody.
    [PostgresFact]
    public void Claim_whose_reply_was_lost_is_found_again_by_its_worker()
    {
        using var store = Create();
        store.Open("{}");
        store.AddTrials(["a", "b"]);
        string worker = Worker("w");
        Db.Query<string>($"UPDATE bottleneck.trials SET claimed_by = '{worker}', claim_token = 7, heartbeat = clock_timestamp() WHERE study = 'contract' AND key = 'a' RETURNING key");
        store.ClaimNext(worker).Should().Be(new Claim("a", 7));
        store.ClaimNext(worker)?.Key.Should().Be("b", "a claim this process knows it holds is not handed back");
    }

    [PostgresFact]
    public void Schema_of_a_newer_Bottleneck_is_refused()
    {
        using (var store = Create()) store.Open("{}");
        Db.Query<string>("UPDATE bottleneck.meta SET value = '99' WHERE name = 'schema_version' RETURNING value");
        var act = () => Create();
        act.Should().Throw<StorageException>().Which.Message.Should().Contain("schema version 99").And.Contain("newer Bottleneck").And.NotContain(Db.Password);
    }
}
