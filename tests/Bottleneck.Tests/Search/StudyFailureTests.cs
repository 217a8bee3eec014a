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
    private sealed class Throwing(IStudyStore inner, string key, int throws) : DelegatingStore(inner)
    {
        private int _thrown;

        public override void SaveStage(string k, string stage, string json, Claim? claim = null, string? worker = null)
        {
            if (k == key && _thrown < throws)
            {
                _thrown++;
                throw new InvalidOperationException("injected");
            }
            base.SaveStage(k, stage, json, claim, worker);
        }
    }
}
