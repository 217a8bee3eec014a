using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

/// <summary>A trial whose fold throws is tried again up to MaxRetries times, then recorded as failed; the study goes on.</summary>
public sealed class StudyFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-study-failure-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private static StudySettings Settings() => new()
    {
        Kind = StudyKind.Tune, Dataset = "digits", Model = "dense", CodeSize = 4, Epochs = 2, BatchSize = 128, Folds = 2, Seed = 3, Threads = 1, MaxRetries = 2,
    };

    private (StudyResult Result, List<string> Warnings) Run(string name, int throws)
    {
        var (train, test) = TrainTestSplit.Split(Digits.Load(), 0.25, 0);
        var trials = SearchSpace.Grid("lr=1e-2,1e-3");
        var settings = Settings();
        using var store = new Throwing(new SqliteStudyStore(Path.Combine(_dir, name + ".db")), trials[0].Key, throws);
        store.Open(settings.Definition(trials));
        var warnings = new List<string>();
        var result = Study.Run(settings, trials, train, test, store, progress: p => { if (p.Warning is { } w) lock (warnings) warnings.Add(w); });
        return (result, warnings);
    }

    [Fact]
    public void A_trial_that_fails_fewer_times_than_its_retries_ends_as_if_it_never_had()
    {
        var clean = Run("clean", throws: 0).Result;
        var (flaky, warnings) = Run("flaky", throws: 2);
        warnings.Should().HaveCount(2).And.OnlyContain(w => w.Contains("failed: injected") && w.Contains("tried again"));
        flaky.Ranked.Select(t => (t.Params.Key, t.Status, t.Score)).Should().Equal(clean.Ranked.Select(t => (t.Params.Key, t.Status, t.Score)));
    }

    [Fact]
    public void A_trial_that_keeps_failing_is_recorded_as_failed_and_ranked_last()
    {
        var (result, warnings) = Run("broken", throws: int.MaxValue);
        warnings.Should().HaveCount(3, "the first try and two retries");
        warnings[^1].Should().Contain("recorded as failed");
        result.Ranked.Select(t => t.Status).Should().Equal(TrialStatus.Completed, TrialStatus.Failed);
        result.Unfinished.Should().Be(0);
    }

    // A store whose SaveStage throws for one trial, the first `throws` times: a fold that fails after training.
    private sealed class Throwing(IStudyStore inner, string key, int throws) : IStudyStore
    {
        private int _thrown;

        public void SaveStage(string k, string stage, string json, Claim? claim = null, string? worker = null)
        {
            if (k == key && _thrown < throws)
            {
                _thrown++;
                throw new InvalidOperationException("injected");
            }
            inner.SaveStage(k, stage, json, claim, worker);
        }

        public void Open(string definitionJson, string? fingerprint = null) => inner.Open(definitionJson, fingerprint);
        public string? Definition => inner.Definition;
        public IReadOnlyList<string> Invocations() => inner.Invocations();
        public void AddInvocation(string json) => inner.AddInvocation(json);
        public string Name => inner.Name;
        public void AddTrials(IReadOnlyList<string> keys) => inner.AddTrials(keys);
        public Claim? ClaimNext(string worker) => inner.ClaimNext(worker);
        public void Heartbeat(string worker) => inner.Heartbeat(worker);
        public IReadOnlyDictionary<string, string> Stages(string k) => inner.Stages(k);
        public void Complete(string k, string resultJson, Claim? claim = null, string? worker = null) => inner.Complete(k, resultJson, claim, worker);
        public void Release(Claim claim, string worker) => inner.Release(claim, worker);
        public int Fail(Claim claim, string worker, string error, int maxRetries, string failedResultJson) => inner.Fail(claim, worker, error, maxRetries, failedResultJson);
        public IReadOnlyList<StoredTrial> Trials() => inner.Trials();
        public TimeSpan Grace => inner.Grace;
        public IReadOnlyList<string> LiveWorkers() => inner.LiveWorkers();
        public void Dispose() => inner.Dispose();
    }
}
