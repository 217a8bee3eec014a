using Bottleneck.Data;
using Bottleneck.Schedules;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public sealed class AsyncHalvingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-asha-").FullName;
    private static readonly (Dataset Train, Dataset Test) Digits01 = StudyTests.Digits01;
    private static readonly IReadOnlyList<TrialParams> Grid = SearchSpace.Grid("lr=1e-1,3e-2,1e-2,3e-3,1e-3,3e-4,1e-4,3e-5,1e-5");

    private static StudySettings Settings(int jobs) => new()
    {
        Dataset = "digits", Model = "dense", CodeSize = 8, Epochs = 9, BatchSize = 128, Folds = 2, Seed = 5, Threads = jobs, Jobs = jobs,
        Pruner = Pruner.Asha, Eta = 3,
    };

    private StudyResult Run(StudySettings settings, string name, Action<StudyProgress>? progress = null, CancellationToken cancel = default,
                            Func<IStudyStore, IStudyStore>? wrap = null, RungStates? states = null, IReadOnlyList<TrialParams>? trials = null)
    {
        trials ??= Grid;
        IStudyStore store = new SqliteStudyStore(Path.Combine(_dir, name + ".db"));
        if (wrap is not null) store = wrap(store);
        using (store)
        {
            store.Open(settings.Definition(trials));
            // No process but this one: a waiting slot must be woken by a commit here, never by the clock.
            return Study.Run(settings, trials, Digits01.Train, Digits01.Test, store, progress: progress, cancel: cancel, poll: TimeSpan.FromHours(1),
                             states: states);
        }
    }

    private static string Numbers(StudyResult r) => string.Join("\n", r.Ranked.Select(t =>
        $"{t.Params} {t.Status} {t.Budget} {t.Score:R} {string.Join(",", t.Folds.SelectMany(f => f.Epochs.Select(e => $"{e.EvalLoss:R}")))}"));

    private static string Decisions(StudyResult r) => string.Join("\n", r.Promotions.Select(p => $"{p.Trial} {p.FromEpochs}->{p.ToEpochs} {p.Rank}/{p.Seen} {p.Closed}"));

    [Fact]
    public void With_one_worker_and_a_seed_the_ladder_is_reproducible()
    {
        var a = Run(Settings(1), "a");
        var b = Run(Settings(1), "b");
        Settings(1).Rungs().Should().Equal(1, 3, 9);
        Numbers(b).Should().Be(Numbers(a));
        Decisions(b).Should().Be(Decisions(a));
        a.Promotions.Should().NotBeEmpty();
        a.Unfinished.Should().Be(0);
        a.Ranked.Should().HaveCount(Grid.Count);
        a.Best.Should().NotBeNull("a closed rung always sends its best on, so some trial reaches the full budget");
        a.Best!.Budget.Should().Be(9);
        // Every trial is ranked at the highest rung it reached; only those at the full budget are completed.
        a.Ranked.Where(t => t.Status == TrialStatus.Completed).Should().OnlyContain(t => t.Budget == 9);
        a.Ranked.Where(t => t.Status == TrialStatus.Pruned).Should().OnlyContain(t => t.Budget < 9);
        // Epochs trained: every job's folds, each job from scratch.
        int jobs1 = Grid.Count, jobs3 = a.Promotions.Count(p => p.ToEpochs == 3), jobs9 = a.Promotions.Count(p => p.ToEpochs == 9);
        a.EpochsTrained.Should().Be(2L * (jobs1 * 1 + jobs3 * 3 + jobs9 * 9));
    }

    [Fact]
    public async Task One_worker_follows_the_rule_and_several_never_wait_while_a_job_could_run()
    {
        foreach (int jobs in new[] { 1, 3 })
        {
            var log = new Recording.Log();
            var waits = 0;
            var run = Task.Run(() => Run(Settings(jobs), $"jobs{jobs}", p =>
            {
                if (!p.Waiting) return;
                Interlocked.Increment(ref waits);
                log.CheckNothingToRun($"a slot waited (jobs {jobs})");
            }, wrap: s => new Recording(s, log)));
            var result = await run.WaitAsync(TimeSpan.FromMinutes(5)); // a slot waiting for a commit is woken by it, not by the hour's poll
            result.Unfinished.Should().Be(0);
            log.Violations.Should().BeEmpty();
            log.Claims.Should().Be(Grid.Count + result.Promotions.Count, "every job runs exactly once");
            if (jobs == 1) waits.Should().Be(0, "one worker never waits: something is always promotable or unstarted until the end");
        }
    }

    [Fact]
    public void An_interrupted_ladder_resumes_from_its_store_and_ends_as_an_uninterrupted_one()
    {
        var whole = Run(Settings(1), "whole");
        using var cts = new CancellationTokenSource();
        int finished = 0;
        var first = Run(Settings(1), "cut", p => { if (p.Finished is not null && ++finished == 5) cts.Cancel(); }, cts.Token);
        first.Cancelled.Should().BeTrue();
        first.Unfinished.Should().BeGreaterThan(0);
        var retrained = 0;
        var resumed = Run(Settings(1), "cut", p => { if (p.Finished is not null) retrained++; });
        Numbers(resumed).Should().Be(Numbers(whole));
        Decisions(resumed).Should().Be(Decisions(whole));
        retrained.Should().Be(Grid.Count + whole.Promotions.Count - 5, "the five jobs finished before the cut are not run again");
    }

    // Cosine's t_max defaults to the run's epochs: each rung must plan for the full budget, not its own.
    [Theory]
    [InlineData(null)]
    [InlineData("cosine")]
    public void A_promoted_job_goes_on_from_the_rung_below_with_the_numbers_of_one_trained_from_scratch(string? schedule)
    {
        var settings = Settings(1) with { Schedule = schedule is null ? null : ScheduleSpec.Parse(schedule) };
        var scratch = Run(settings, "scratch");
        var states = new RungStates(Path.Combine(_dir, "states"));
        int resumedFolds = 0;
        var continued = Run(settings, "continued", states: states);
        Numbers(continued).Should().Be(Numbers(scratch), "a resumed run is exact, and every rung trains with the full budget's seeds");
        Decisions(continued).Should().Be(Decisions(scratch));
        using (var store = new SqliteStudyStore(Path.Combine(_dir, "continued.db")))
            foreach (var job in store.Trials())
                foreach (var stage in store.Stages(job.Key).Values)
                {
                    var fold = FoldResult.Read(stage, store.Name, job.Key);
                    var (_, epochs) = AsyncHalving.JobOf(job.Key, store.Name);
                    fold.Resumed.Should().Be(epochs == 1 ? 0 : epochs == 3 ? 1 : 3, $"job {job.Key} goes on from the rung below");
                    if (fold.Resumed > 0) resumedFolds++;
                }
        resumedFolds.Should().Be(2 * continued.Promotions.Count);
        int jobs1 = Grid.Count, jobs3 = continued.Promotions.Count(p => p.ToEpochs == 3), jobs9 = continued.Promotions.Count(p => p.ToEpochs == 9);
        continued.EpochsTrained.Should().Be(2L * (jobs1 * 1 + jobs3 * (3 - 1) + jobs9 * (9 - 3)), "each rung trains only the epochs above the one below");
        Directory.Exists(states.Directory).Should().BeFalse("a finished study keeps no states");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cosine")]
    public void A_trial_that_reaches_the_full_budget_ends_with_the_numbers_the_unpruned_grid_gives_it(string? schedule)
    {
        var settings = Settings(1) with { Schedule = schedule is null ? null : ScheduleSpec.Parse(schedule) };
        var asha = Run(settings, "asha", states: new RungStates(Path.Combine(_dir, "states")));
        var top = asha.Ranked.Where(t => t.Budget == 9 && t.Status == TrialStatus.Completed).ToList();
        top.Should().NotBeEmpty();
        var grid = Run(settings with { Pruner = Pruner.None }, "grid", trials: [.. top.Select(t => t.Params)]);
        Numbers(asha with { Ranked = StudyResult.Rank(top) }).Should().Be(Numbers(grid));
    }

    [Fact]
    public void A_damaged_or_missing_state_is_trained_again_from_scratch_with_the_same_numbers()
    {
        var whole = Run(Settings(1), "whole");
        var states = new RungStates(Path.Combine(_dir, "states"));
        using var cts = new CancellationTokenSource();
        int finished = 0;
        Run(Settings(1), "cut", p => { if (p.Finished is not null && ++finished == Grid.Count) cts.Cancel(); }, cts.Token, states: states);
        var files = Directory.GetFiles(states.Directory, "*.safetensors", SearchOption.AllDirectories);
        files.Should().HaveCountGreaterThan(2, "the folds of the jobs finished so far left their states");
        for (int i = 0; i < files.Length; i++)
        {
            if (i % 3 == 0) File.WriteAllBytes(files[i], [1, 2, 3]);
            else if (i % 3 == 1) File.WriteAllBytes(files[i], File.ReadAllBytes(files[i])[..100]);
            else File.Delete(files[i]);
        }
        var resumed = Run(Settings(1), "cut", states: states);
        Numbers(resumed).Should().Be(Numbers(whole));
        Decisions(resumed).Should().Be(Decisions(whole));
        resumed.EpochsTrained.Should().BeGreaterThan(Run(Settings(1), "fresh", states: new RungStates(Path.Combine(_dir, "fresh"))).EpochsTrained,
                                                     "what had no usable state was trained again from scratch");
    }

    [Fact]
    public void The_states_folder_cleared_while_jobs_go_on_from_it_loses_nothing()
    {
        var whole = Run(Settings(1), "whole");
        var states = new RungStates(Path.Combine(_dir, "states"));
        int cleared = 0;
        // Mid-fold of a job that went on from the rung below: the state it read, and every other, is gone when it ends.
        var result = Run(Settings(1), "cleared", p =>
        {
            if (p.Training is not null && p.Budget == 3 && Directory.Exists(states.Directory))
            {
                Directory.Delete(states.Directory, recursive: true);
                cleared++;
            }
        }, states: states);
        cleared.Should().BeGreaterThan(0);
        result.Unfinished.Should().Be(0);
        Numbers(result).Should().Be(Numbers(whole));
    }

    [Fact]
    public void A_store_of_the_asha_that_trained_every_rung_from_scratch_is_refused_in_one_line_and_kept()
    {
        string current = Settings(1).Definition(Grid);
        current.Should().Contain(",continued\"");
        string earlier = current.Replace(",continued\"", "\"");
        string path = Path.Combine(_dir, "earlier.db");
        using (var store = new SqliteStudyStore(path)) store.Open(earlier);
        using var reopened = new SqliteStudyStore(path);
        var refused = reopened.Invoking(s => s.Open(current)).Should().Throw<StudyMismatchException>().Which;
        refused.Message.Should().Contain("earlier Bottleneck").And.Contain("from scratch").And.NotContain("\n");
        refused.Resumable.Should().BeFalse("resuming with the stored settings would mix two kinds of rungs");
        reopened.Definition.Should().Be(earlier);
        var other = reopened.Invoking(s => s.Open((Settings(1) with { Eta = 2 }).Definition(Grid))).Should().Throw<StudyMismatchException>().Which;
        other.Message.Should().Contain("earlier Bottleneck", "any asha definition differs from one made before rungs continued");
    }

    [Fact]
    public void Idle_time_is_recorded_for_the_report()
    {
        var result = Run(Settings(3) with { Threads = 3 }, "idle");
        using var store = new SqliteStudyStore(Path.Combine(_dir, "idle.db"));
        store.IdleSeconds().Values.Sum().Should().Be(result.IdleSeconds);
        result.IdleSeconds.Should().BeGreaterThan(0, "three slots on nine trials wait at least for the last job");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A store that logs what the ladder did, in the order the store saw it, and checks each wait against its own reading
    // of ASHA's rule: a slot may wait only when every trial has started, no job is free, and nothing is promotable.
    private sealed class Recording(IStudyStore inner, Recording.Log log) : DelegatingStore(inner)
    {
        public sealed class Log
        {
            private readonly Lock _gate = new();
            private readonly HashSet<string> _jobs = [], _claimed = [];
            private readonly Dictionary<string, double> _scores = []; // finished jobs by key
            private readonly StudySettings _settings = Settings(1);
            public List<string> Violations { get; } = [];
            public int Claims { get; private set; }

            public void Added(IReadOnlyList<string> keys)
            {
                lock (_gate)
                {
                    if (Promotable() is [var due, ..]) Violations.Add($"{string.Join(", ", keys)} started while {due} was promotable");
                    _jobs.UnionWith(keys);
                }
            }

            public void Claimed(string key)
            {
                lock (_gate)
                {
                    Claims++;
                    if (!_claimed.Add(key)) Violations.Add($"{key} claimed twice");
                }
            }

            public void Promoted(string key, Promotion p)
            {
                lock (_gate)
                {
                    var due = Promotable();
                    if (!due.Contains(key)) Violations.Add($"{key} promoted but not promotable by the rule ({p.Rank} of {p.Seen})");
                    else if (due[0] != key) Violations.Add($"{key} promoted before {due[0]}, which is higher or better");
                    _jobs.Add(key);
                }
            }

            public void Finished(string key, double score) { lock (_gate) _scores[key] = score; }

            public void CheckNothingToRun(string what)
            {
                lock (_gate)
                {
                    if (Grid.Any(t => !_jobs.Contains(AsyncHalving.JobKey(t, 1)))) Violations.Add($"{what} while a trial was not started");
                    if (_jobs.Any(j => !_claimed.Contains(j))) Violations.Add($"{what} while a job was free");
                    if (Promotable().Count > 0) Violations.Add($"{what} while {Promotable()[0]} was promotable");
                }
            }

            // The jobs due by the rule, top rung first, best first: the ⌊n/η⌋ best at each rung, ⌈n/η⌉ once the rung is closed.
            private List<string> Promotable()
            {
                var rungs = _settings.Rungs();
                var byRung = new List<List<string>>();
                bool closed = Grid.All(t => _jobs.Contains(AsyncHalving.JobKey(t, rungs[0])));
                for (int r = 0; r < rungs.Count - 1; r++)
                {
                    var here = _jobs.Where(j => AsyncHalving.JobOf(j, "log").Epochs == rungs[r]).ToList();
                    closed &= here.All(_scores.ContainsKey);
                    var done = here.Where(_scores.ContainsKey).OrderBy(j => _scores[j]).ToList();
                    int quota = done.Count == 0 ? 0 : closed ? Math.Max(1, (done.Count + _settings.Eta - 1) / _settings.Eta) : done.Count / _settings.Eta;
                    var due = done.Take(quota).Where(j => double.IsFinite(_scores[j]))
                                  .Select(j => AsyncHalving.JobKey(AsyncHalving.JobOf(j, "log").Trial, rungs[r + 1]))
                                  .Where(next => !_jobs.Contains(next)).ToList();
                    byRung.Add(due);
                    closed &= due.Count == 0;
                }
                byRung.Reverse();
                return [.. byRung.SelectMany(d => d)];
            }
        }

        public override void AddTrials(IReadOnlyList<string> keys)
        {
            base.AddTrials(keys);
            log.Added(keys);
        }

        public override void Promote(string key, string decisionJson)
        {
            log.Promoted(key, Promotion.Read(decisionJson, "log"));
            base.Promote(key, decisionJson);
        }

        public override Claim? ClaimNext(string worker)
        {
            var claim = base.ClaimNext(worker);
            if (claim is { } c) log.Claimed(c.Key);
            return claim;
        }

        public override void Complete(string key, string resultJson, Claim? claim = null, string? worker = null)
        {
            base.Complete(key, resultJson, claim, worker);
            log.Finished(key, TrialResult.Read(resultJson, "log", key).Score);
        }
    }
}
