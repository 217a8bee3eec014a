using System.Globalization;
using FluentAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>The one-process SQLite run of the study every distributed test splits up: its trials.csv is what they must give.</summary>
public sealed class ReferenceStudy : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-reference-").FullName;
    private readonly Lazy<string> _table;

    public ReferenceStudy()
    {
        _table = new(() =>
        {
            string out_ = Path.Combine(_dir, "reference");
            var run = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(180), [.. DistributedStudyTests.Study, "--out", out_]);
            run.ExitCode.Should().Be(0, run.ToString());
            return File.ReadAllText(Path.Combine(out_, "trials.csv"));
        });
    }

    /// <summary>trials.csv of the study run in one process on SQLite.</summary>
    public string Table => _table.Value;

    public void Dispose() => TempFolder.Delete(_dir);
}

/// <summary>
/// Studies split across worker processes on a real PostgreSQL server: several workers, a worker killed mid-fold, the server
/// restarted, a connection cut and restored after its trial was reclaimed. Each must end with every fold committed once
/// and the ranked table of one process on SQLite, to the last digit.
/// </summary>
public sealed class DistributedStudyTests(ReferenceStudy reference) : IClassFixture<ReferenceStudy>, IDisposable
{
    // 8 trials × 2 folds of about 0.6 s each on one thread.
    internal static readonly string[] Study =
        ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2,3e-3;batch-size=16,32,64,128",
         "--folds", "2", "--epochs", "200", "--threads", "1"];

    private const int Folds = 16;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-distributed-").FullName;
    private readonly TestPostgres? _db = TestPostgres.Url is null ? null : new TestPostgres();

    public void Dispose()
    {
        _db?.Dispose();
        TempFolder.Delete(_dir);
    }

    private TestPostgres Db => _db!;

    private BottleneckProcess StartTune(string study, params string[] extra) =>
        BottleneckProcess.Start(_dir, [.. Study, "--storage", Db.DatabaseUrl, "--study", study, "--out", Path.Combine(_dir, "tune-" + study), .. extra]);

    private BottleneckProcess StartWorker(string study, string? url = null, params string[] extra) =>
        BottleneckProcess.Start(_dir, ["worker", "--storage", url ?? Db.DatabaseUrl, "--study", study, "--threads", "1", .. extra]);

    private bool StudyExists(string study) =>
        Db.Query<long>($"SELECT count(*) FROM bottleneck.trials WHERE study = '{study}'") is [> 0];

    private long CommittedFolds(string study) => Db.Query<long>($"SELECT count(*) FROM bottleneck.stages WHERE study = '{study}'")[0];

    private bool Holds(BottleneckProcess worker, string study) =>
        Db.Query<long>($"SELECT count(*) FROM bottleneck.trials WHERE study = '{study}' AND result IS NULL AND claimed_by LIKE '%:{worker.Id}:%'")[0] > 0;

    // Stops the study's own process ten seconds at a time, letting it run in between, until the condition holds (or Long).
    private bool PausedUntil(BottleneckProcess study, Func<bool> condition)
    {
        bool held = false;
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !held && clock.Elapsed < Long;)
        {
            study.Signal("STOP");
            held = WaitFor(condition, TimeSpan.FromSeconds(10));
            study.Signal("CONT");
        }
        return held;
    }

    private bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (TestPostgres.Url is not null && Tables() && condition()) return true;
            Thread.Sleep(50);
        }
        return false;
    }

    private bool Tables() => Db.Query<string>("SELECT coalesce(to_regclass('bottleneck.stages')::text, '')")[0].Length > 0;

    // trials.csv as studies show writes it from the database, which must be the one-process table; every fold was committed once.
    private void ShouldMatchTheReference(string study)
    {
        string out_ = Path.Combine(_dir, "show-" + study);
        var show = BottleneckProcess.Run(_dir, Long, "studies", "show", study, "--storage", Db.DatabaseUrl, "--out", out_);
        show.ExitCode.Should().Be(0, show.ToString());
        show.StandardOutput.Should().NotContain(Db.Password);
        File.ReadAllText(Path.Combine(out_, "trials.csv")).Should().Be(reference.Table, "the table must be the one-process SQLite run's");
        Db.Query<int>($"SELECT saves FROM bottleneck.stages WHERE study = '{study}'").Should().HaveCount(Folds).And.OnlyContain(n => n == 1,
            "every fold is committed exactly once");
        File.ReadAllText(Path.Combine(out_, HtmlReportFile)).Should().NotContain(Db.Password);
    }

    private const string HtmlReportFile = "report.html";

    private static int FinishedBy(ProcessResult worker)
    {
        var match = System.Text.RegularExpressions.Regex.Match(worker.StandardOutput, @"this worker finished (\d+) trial");
        match.Success.Should().BeTrue(worker.ToString());
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    // Asha across three processes: every job (a trial at a rung) runs once, every decision is recorded once, the ladder ends
    // with its rungs closed, and each job's numbers are the trial's own at that budget (a job read back from SQLite agrees).
    [PostgresFact]
    public void Three_processes_climb_one_asha_ladder_each_job_once()
    {
        // Rungs at 27, 81 and 243 epochs; about 6 s in one process.
        string[] asha = [.. Study.Select(a => a == "200" ? "243" : a), "--pruner", "asha", "--eta", "3", "--min-epochs", "27"];
        var workers = Enumerable.Range(0, 2).Select(_ => StartWorker("asha", null, "--wait")).ToList();
        using var tune = BottleneckProcess.Start(_dir, [.. asha, "--storage", Db.DatabaseUrl, "--study", "asha", "--out", Path.Combine(_dir, "tune-asha")]);
        // On a busy machine one process could climb the whole ladder before a slow-starting worker joins: the study's own
        // process is stopped once it holds a job, and so is each worker once it is seen holding one, until every worker has
        // (pausing the study's process alone let the first worker take every job while the second was still starting).
        WaitFor(() => Holds(tune, "asha"), Long).Should().BeTrue(tune.StandardErrorSoFar);
        tune.Signal("STOP");
        var joined = new List<BottleneckProcess>();
        WaitFor(() =>
        {
            foreach (var w in workers.Except(joined).Where(w => Holds(w, "asha")).ToList())
            {
                w.Signal("STOP");
                joined.Add(w);
            }
            return joined.Count == workers.Count;
        }, Long);
        foreach (var p in joined.Append(tune)) p.Signal("CONT");
        joined.Should().HaveCount(workers.Count, "every worker took a job");
        var ran = workers.Select(w => w.WaitForExit(Long)).ToList();
        var started = tune.WaitForExit(Long);
        workers.ForEach(w => w.Dispose());

        started.ExitCode.Should().Be(0, started.ToString());
        foreach (var w in ran) w.ExitCode.Should().Be(0, w.ToString());
        ran.Count(w => FinishedBy(w) > 0).Should().BeGreaterThan(0, "the workers took part");
        long promotions = Db.Query<long>("SELECT count(*) FROM bottleneck.promotions WHERE study = 'asha'")[0];
        promotions.Should().BeGreaterThan(0);
        Db.Query<long>("SELECT count(*) FROM bottleneck.trials WHERE study = 'asha'")[0].Should().Be(8 + promotions, "a job per trial, and one per promotion");
        Db.Query<long>("SELECT count(*) FROM bottleneck.trials WHERE study = 'asha' AND result IS NULL")[0].Should().Be(0);
        Db.Query<int>("SELECT saves FROM bottleneck.stages WHERE study = 'asha'").Should().HaveCount((int)(8 + promotions) * 2).And.OnlyContain(n => n == 1);
        started.StandardOutput.Should().Contain("asha: ").And.Contain("promotion");

        string out_ = Path.Combine(_dir, "show-asha");
        var show = BottleneckProcess.Run(_dir, Long, "studies", "show", "asha", "--storage", Db.DatabaseUrl, "--out", out_);
        show.ExitCode.Should().Be(0, show.ToString());
        var results = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(out_, "results.json")))!;
        results["promotions"]!.AsArray().Should().HaveCount((int)promotions);
        results["trials"]!.AsArray().Should().HaveCount(8);
        results["trials"]![0]!["budget_epochs"]!.GetValue<int>().Should().Be(243, "the winner reached the full budget");
        File.ReadAllText(Path.Combine(out_, HtmlReportFile)).Should().Contain("Promotions, in the order they were decided").And.Contain("worker idle time");
        var listed = BottleneckProcess.Run(_dir, Long, "studies", "--storage", Db.DatabaseUrl);
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.StandardOutput.Should().Contain("8/8", "the listing counts trials, not the ladder's jobs");

        // The same study in one process on SQLite gives every job it shares with the ladder above the same numbers.
        var alone = BottleneckProcess.Run(_dir, Long, [.. asha, "--out", Path.Combine(_dir, "asha-alone")]);
        alone.ExitCode.Should().Be(0, alone.ToString());
        var here = Db.Query<string>("SELECT key || ' ' || result FROM bottleneck.trials WHERE study = 'asha'")
                     .ToDictionary(r => r[..(r.IndexOf('}') + 1)], r => Score(r[(r.IndexOf('}') + 2)..]));
        using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "asha-alone", "study.db")};Pooling=false");
        sqlite.Open();
        using var read = new Microsoft.Data.Sqlite.SqliteCommand("SELECT key, result FROM trials", sqlite);
        using var rows = read.ExecuteReader();
        int shared = 0;
        while (rows.Read())
            if (here.TryGetValue(rows.GetString(0), out double score))
            {
                Score(rows.GetString(1)).Should().Be(score, rows.GetString(0));
                shared++;
            }
        shared.Should().BeGreaterThanOrEqualTo(8, "every trial's first-rung job is in both");
    }

    private static double Score(string resultJson) => System.Text.Json.Nodes.JsonNode.Parse(resultJson)!["score"]!.GetValue<double>();

    // A database written by the first release of the PostgreSQL store (schema version 1; Fixtures/postgres-v1, a finished
    // 2-trial tune on digits dumped with pg_dump) is migrated when opened: the study reads back with its table, and goes on.
    [PostgresFact]
    public void A_database_of_schema_version_1_is_migrated_and_its_study_reads_back()
    {
        Db.Execute(File.ReadAllText(Fixture.Path("postgres-v1/study.sql")));
        Db.Query<string>("SELECT value FROM bottleneck.meta WHERE name = 'schema_version'").Should().Equal("1");
        string out_ = Path.Combine(_dir, "show-v1");
        var show = BottleneckProcess.Run(_dir, Long, "studies", "show", "v1-tune", "--storage", Db.DatabaseUrl, "--out", out_);
        show.ExitCode.Should().Be(0, show.ToString());
        File.ReadAllText(Path.Combine(out_, "trials.csv")).Should().Be(File.ReadAllText(Fixture.Path("postgres-v1/trials.csv")));
        Db.Query<string>("SELECT value FROM bottleneck.meta WHERE name = 'schema_version'").Should().Equal("2");
        Db.Query<long>("SELECT count(*) FROM bottleneck.promotions")[0].Should().Be(0);

        var again = BottleneckProcess.Run(_dir, Long, "tune", "--dataset", "digits", "--model", "dense", "--code-size", "8", "--grid", "lr=1e-3,3e-3",
                                          "--epochs", "2", "--folds", "2", "--storage", Db.DatabaseUrl, "--study", "v1-tune", "--out", Path.Combine(_dir, "v1-again"));
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardOutput.Should().Contain("2 trials of 2 already finished");
        File.ReadAllText(Path.Combine(_dir, "v1-again", "trials.csv")).Should().Be(File.ReadAllText(Fixture.Path("postgres-v1/trials.csv")));
    }

    [PostgresFact]
    public void Four_processes_share_a_study_and_give_the_one_process_table()
    {
        // Workers of a cluster start before the study is submitted, wait for it, and leave when it is finished.
        var workers = Enumerable.Range(0, 3).Select(_ => StartWorker("four", null, "--wait")).ToList();
        using var tune = StartTune("four");
        var ran = workers.Select(w => w.WaitForExit(Long)).ToList();
        var started = tune.WaitForExit(Long);
        workers.ForEach(w => w.Dispose());

        started.ExitCode.Should().Be(0, started.ToString());
        foreach (var w in ran) w.ExitCode.Should().Be(0, w.ToString());
        int byTune = System.Text.RegularExpressions.Regex.Matches(started.StandardOutput, @"\[\d+/8\]").Count;
        (byTune + ran.Sum(FinishedBy)).Should().Be(8, "each trial is finished by exactly one process");
        ran.Count(w => FinishedBy(w) > 0).Should().BeGreaterThan(0, "the workers took part");
        ShouldMatchTheReference("four");
        Db.Query<long>("SELECT count(*) FROM bottleneck.invocations WHERE study = 'four'")[0].Should().Be(4);
    }

    [PostgresFact]
    public void A_worker_killed_mid_fold_is_taken_over_and_its_fold_counted_once()
    {
        using (var victim = StartTune("killed"))
        {
            WaitFor(() => CommittedFolds("killed") >= 3 && Holds(victim, "killed"), Long).Should().BeTrue(victim.StandardErrorSoFar);
            victim.Signal("KILL");
            victim.WaitForExit(Long);
        }
        long before = CommittedFolds("killed");
        before.Should().BeLessThan(Folds);
        using var successor = StartWorker("killed");
        var ran = successor.WaitForExit(Long);
        ran.ExitCode.Should().Be(0, ran.ToString());
        FinishedBy(ran).Should().BeGreaterThan(0);
        ShouldMatchTheReference("killed");
    }

    [PostgresFact]
    public void Workers_ride_out_a_server_restart()
    {
        if (TestPostgres.Control is null) Assert.Fail("BOTTLENECK_TEST_POSTGRES_CTL is not set: .ci/postgres.sh sets it beside the URL");
        using var worker = StartWorker("restart", null, "--wait");
        using var tune = StartTune("restart");
        WaitFor(() => CommittedFolds("restart") >= 4, Long).Should().BeTrue(worker.StandardErrorSoFar);

        var restart = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", TestPostgres.Control + " restart -m fast"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        restart.WaitForExit(60_000).Should().BeTrue();
        restart.ExitCode.Should().Be(0, restart.StandardError.ReadToEnd());

        var a = tune.WaitForExit(Long);
        var b = worker.WaitForExit(Long);
        a.ExitCode.Should().Be(0, a.ToString());
        b.ExitCode.Should().Be(0, b.ToString());
        (a.StandardError + b.StandardError).Should().Contain("lost the connection").And.Contain("is back").And.NotContain(Db.Password)
            .And.NotContain("   at ", "no stack trace");
        ShouldMatchTheReference("restart");
    }

    [PostgresFact]
    public void A_cut_off_worker_is_fenced_when_its_late_commit_arrives()
    {
        using var cutter = new TcpCutter(Db.Host, Db.Port);
        // Started before the study exists (--wait), so it claims a trial as soon as the study begins.
        using var cutOff = StartWorker("fenced", Db.UrlVia(cutter.Port), "--wait");
        using var tune = StartTune("fenced");
        // The study's own process could run the trials before a slow-starting worker claims one (a busy CI machine: it
        // joined with 4 of 8 finished and none left to claim): it is paused, ten seconds at a time, until the worker holds one.
        WaitFor(() => Holds(tune, "fenced"), Long).Should().BeTrue(tune.StandardErrorSoFar);
        PausedUntil(tune, () => Holds(cutOff, "fenced")).Should().BeTrue(cutOff.StandardOutputSoFar + cutOff.StandardErrorSoFar);
        string held = Db.Query<string>($"SELECT key FROM bottleneck.trials WHERE study = 'fenced' AND result IS NULL AND claimed_by LIKE '%:{cutOff.Id}:%'")[0];
        cutter.Cut();

        // Waits for the study's last trials, and takes over any whose worker's heartbeat is 2 s old.
        using var rescuer = StartWorker("fenced", null, "--grace", "2");
        WaitFor(() => !Holds(cutOff, "fenced"), Long).Should().BeTrue("the trial is reclaimed after the grace period");
        cutter.Restore();

        var rescued = rescuer.WaitForExit(Long);
        var started = tune.WaitForExit(Long);
        started.ExitCode.Should().Be(0, started.ToString());
        rescued.ExitCode.Should().Be(0, rescued.ToString());
        var ran = cutOff.WaitForExit(Long);
        ran.ExitCode.Should().Be(0, ran.ToString());
        ran.StandardError.Should().Contain("lost the connection").And.Contain("is back").And.NotContain("   at ").And.NotContain(Db.Password);
        ShouldMatchTheReference("fenced");
    }

    [PostgresFact]
    public void Two_studies_keep_apart_and_a_worker_on_other_data_refuses()
    {
        File.WriteAllText(Path.Combine(_dir, "points.csv"), string.Concat(Enumerable.Range(0, 120).Select(i => $"{i % 7},{i % 5},{i % 3},{i % 2}\n")));
        string[] csvStudy = ["tune", "--dataset", "csv:points.csv", "--model", "dense", "--code-size", "2", "--folds", "2",
                             "--epochs", "2", "--threads", "1", "--storage", Db.DatabaseUrl];
        var first = BottleneckProcess.Run(_dir, Long, [.. csvStudy, "--grid", "lr=1e-2,1e-3", "--study", "csv-a", "--out", Path.Combine(_dir, "a")]);
        first.ExitCode.Should().Be(0, first.ToString());
        var second = BottleneckProcess.Run(_dir, Long, [.. csvStudy, "--grid", "lr=3e-2", "--study", "csv-b", "--out", Path.Combine(_dir, "b")]);
        second.ExitCode.Should().Be(0, second.ToString());
        Db.Query<long>("SELECT count(*) FROM bottleneck.trials WHERE study = 'csv-a'")[0].Should().Be(2);
        Db.Query<long>("SELECT count(*) FROM bottleneck.trials WHERE study = 'csv-b'")[0].Should().Be(1);

        var listed = BottleneckProcess.Run(_dir, Long, "studies", "--storage", Db.DatabaseUrl);
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.StandardOutput.Should().Contain("csv-a").And.Contain("csv-b").And.Contain("2/2").And.Contain("1/1").And.NotContain(Db.Password);

        // Another machine whose points.csv differs: same path, other numbers.
        string elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "points.csv"), string.Concat(Enumerable.Range(0, 120).Select(i => $"{i % 5},{i % 7},{i % 3},{i % 2}\n")));
        Db.Query<long>("UPDATE bottleneck.trials SET result = NULL WHERE study = 'csv-a' AND ord = 1 RETURNING ord");
        var refused = BottleneckProcess.Run(elsewhere, Long, "worker", "--storage", Db.DatabaseUrl, "--study", "csv-a");
        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.StandardErrorLines.Should().ContainSingle().Which.Should().Contain("other data").And.Contain("fingerprint");
    }

    [PostgresFact]
    public void Bad_storage_is_one_line_exit_2_and_never_shows_the_password()
    {
        string password = Db.Password;
        void Refused(string url, string expected, string? cwd = null)
        {
            var run = BottleneckProcess.Run(cwd ?? _dir, Long, "worker", "--storage", url);
            run.ExitCode.Should().Be(2, run.ToString());
            run.StandardErrorLines.Should().ContainSingle(run.ToString()).Which.Should().Contain(expected);
            (run.StandardError + run.StandardOutput).Should().NotContain(password).And.NotContain("hunter2");
        }

        Refused("postgresql://bottleneck:hunter2@/nodb", "is not a PostgreSQL URL");
        Refused("mysql://bottleneck:hunter2@127.0.0.1/db", "must be postgresql://");
        Refused("postgresql://bottleneck:hunter2@127.0.0.1:5432/", "names no database");
        Refused($"postgresql://{Db.User}:{password}@127.0.0.1:1/{Db.Database}", "connection refused");
        Refused($"postgresql://{Db.User}:{password}@no-such-host.invalid:5432/{Db.Database}", "no such host");
        Refused($"postgresql://{Db.User}:wrong-{password}@{Db.Host}:{Db.Port}/{Db.Database}", "wrong password");
        Refused($"postgresql://{Db.User}:{password}@{Db.Host}:{Db.Port}/missing_db", "has no database missing_db");

        string noRights = $"postgresql://norights_{Db.Database}:{password}@{Db.Host}:{Db.Port}/{Db.Database}";
        Db.Admin($"DROP ROLE IF EXISTS norights_{Db.Database}; CREATE ROLE norights_{Db.Database} LOGIN PASSWORD '{password}'");
        try
        {
            // May not create the study tables in an empty database; may not read them once the owner has.
            var tune = BottleneckProcess.Run(_dir, Long, ["tune", "--dataset", "digits", "--model", "dense", "--grid", "lr=1e-2", "--epochs", "1",
                                                          "--storage", noRights, "--out", Path.Combine(_dir, "no-rights")]);
            tune.ExitCode.Should().Be(2, tune.ToString());
            tune.StandardErrorLines.Should().ContainSingle().Which.Should().Contain("lacks the rights").And.NotContain(password);
            var owner = BottleneckProcess.Run(_dir, Long, ["tune", "--dataset", "digits", "--model", "dense", "--grid", "lr=1e-2", "--epochs", "1",
                                                           "--storage", Db.DatabaseUrl, "--study", "owned", "--out", Path.Combine(_dir, "owned")]);
            owner.ExitCode.Should().Be(0, owner.ToString());
            Refused(noRights, "lacks the rights");
        }
        finally
        {
            Db.Admin($"DROP OWNED BY norights_{Db.Database}", inDatabase: true);
            Db.Admin($"DROP ROLE norights_{Db.Database}");
        }

        // The password from the environment instead of the URL.
        var fromEnv = BottleneckProcess.Run(_dir, Long, new Dictionary<string, string?> { ["PGPASSWORD"] = password },
                                            "studies", "--storage", $"postgresql://{Db.User}@{Db.Host}:{Db.Port}/{Db.Database}");
        fromEnv.ExitCode.Should().Be(0, fromEnv.ToString());
        fromEnv.StandardOutput.Should().Contain("owned");
    }

    [PostgresFact]
    public void The_recorded_command_line_leaves_the_password_out()
    {
        var run = BottleneckProcess.Run(_dir, Long, new Dictionary<string, string?> { [Bottleneck.Search.StudyStorage.EnvironmentVariable] = null },
            ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2", "--folds", "2", "--epochs", "1",
             "--storage", Db.DatabaseUrl, "--study", "quiet", "--out", Path.Combine(_dir, "quiet")]);
        run.ExitCode.Should().Be(0, run.ToString());
        (run.StandardOutput + run.StandardError).Should().NotContain(Db.Password);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(_dir, "quiet")))
            File.ReadAllText(file).Should().NotContain(Db.Password, file);
        Db.Query<string>("SELECT json FROM bottleneck.invocations").Should().ContainSingle().Which.Should().NotContain(Db.Password)
            .And.Contain($"postgresql://{Db.User}@");
    }

    [PostgresFact]
    public void A_pipelines_studies_live_in_the_shared_storage_as_name_slash_phase()
    {
        string pipeline = Path.Combine(_dir, "pipe.yaml");
        File.WriteAllText(pipeline, """
            dataset: digits
            model: dense
            test-limit: 200
            phases:
              - name: phase1
                tune:
                  grid: "lr=1e-2,1e-3"
                  code-size: 4
                  folds: 2
                  epochs: 2
              - name: phase2
                sweep:
                  param: "code-size=2,4"
                  epochs: 2
                  use_best_of: [phase1]
            """);
        string[] run = ["run", pipeline, "--storage", Db.DatabaseUrl, "--study", "pipe", "--out", Path.Combine(_dir, "pipe")];
        var first = BottleneckProcess.Run(_dir, Long, run);
        first.ExitCode.Should().Be(0, first.ToString());
        Db.Query<string>("SELECT study FROM bottleneck.studies ORDER BY study").Should().Equal("pipe/phase1", "pipe/phase2");
        Db.Query<long>("SELECT count(*) FROM bottleneck.trials WHERE result IS NOT NULL")[0].Should().Be(4);
        File.Exists(Path.Combine(_dir, "pipe", "phase1", "trials.csv")).Should().BeTrue();
        File.Exists(Path.Combine(_dir, "pipe", "phase1", "study.db")).Should().BeFalse("the trials live in the shared storage");

        // A worker on the phase's study agrees with its data (the test limit included) and finds nothing left.
        var worker = BottleneckProcess.Run(_dir, Long, "worker", "--storage", Db.DatabaseUrl, "--study", "pipe/phase1");
        worker.ExitCode.Should().Be(0, worker.ToString());
        FinishedBy(worker).Should().Be(0);
        var again = BottleneckProcess.Run(_dir, Long, run);
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardOutput.Should().Contain("2 trials of 2 already finished");
        Db.Query<int>("SELECT saves FROM bottleneck.stages").Should().OnlyContain(n => n == 1, "the rerun trained nothing again");
    }
}
