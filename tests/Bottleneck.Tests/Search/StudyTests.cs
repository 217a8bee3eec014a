using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public sealed class StudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-study-").FullName;
    /// <summary>Digits split 3:1 and scaled to [0, 1]: the studies' data in these tests.</summary>
    internal static readonly (Dataset Train, Dataset Test) Digits01 = Load();

    private static (Dataset, Dataset) Load()
    {
        var (train, test) = TrainTestSplit.Split(Digits.Load(), 0.25, 0);
        var scaler = new MinMaxScaler().Fit(train.Features);
        return (train.WithFeatures(scaler.Transform(train.Features)), test.WithFeatures(scaler.Transform(test.Features)));
    }

    private static StudySettings Settings(StudyKind kind = StudyKind.Tune) => new()
    {
        Kind = kind, Dataset = "digits", Model = "dense", CodeSize = 8, Epochs = 3, BatchSize = 128, Folds = 3, Seed = 5, Threads = 2,
    };

    private StudyResult Run(StudySettings settings, IReadOnlyList<TrialParams> trials, string name,
                            Action<StudyProgress>? progress = null, CancellationToken cancel = default)
    {
        using var store = new SqliteStudyStore(Path.Combine(_dir, name + ".db"));
        store.Open(settings.Definition(trials));
        return Study.Run(settings, trials, Digits01.Train, Digits01.Test, store, progress: progress, cancel: cancel);
    }

    // Everything but timings: the numbers a trial produced.
    private static string Numbers(StudyResult r) => string.Join("\n", r.Ranked.Select(t =>
        $"{t.Params} {t.Status} {t.Score:R} {string.Join(",", t.Folds.SelectMany(f => f.Epochs.Select(e => $"{e.TrainLoss:R}/{e.EvalLoss:R}")))}"));

    [Fact]
    public void Jobs_do_not_change_any_trial_number()
    {
        var trials = SearchSpace.Grid("lr=1e-2,1e-3;weight-decay=1e-4,0");
        var one = Run(Settings() with { Jobs = 1 }, trials, "one");
        var two = Run(Settings() with { Jobs = 2 }, trials, "two");
        one.Ranked.Should().HaveCount(4).And.OnlyContain(t => t.Status == TrialStatus.Completed && t.Folds.Count == 3);
        Numbers(two).Should().Be(Numbers(one));
    }

    [Fact]
    public void An_interrupted_study_resumes_without_redoing_finished_folds_and_ends_with_the_same_table()
    {
        var trials = SearchSpace.Grid("lr=1e-2,5e-3,1e-3");
        var settings = Settings() with { Jobs = 1 };
        var whole = Run(settings, trials, "whole");

        using var cts = new CancellationTokenSource();
        var first = Run(settings, trials, "interrupted", p => { if (p.Finished is not null) cts.Cancel(); }, cts.Token);
        first.Cancelled.Should().BeTrue();
        first.Ranked.Should().ContainSingle();
        var retrained = new List<string>();
        var resumed = Run(settings, trials, "interrupted", p => { if (p.Training?.Completed is not null) retrained.Add(p.Trial!.ToString()); });

        Numbers(resumed).Should().Be(Numbers(whole));
        retrained.Should().NotContain(first.Ranked[0].Params.ToString(), "the finished trial is read back, not trained again");
    }

    [Fact]
    public void A_diverging_trial_is_ranked_last_and_the_study_goes_on()
    {
        string model = Path.Combine(_dir, "linear.yaml");
        File.WriteAllText(model, "input: [1, 8, 8]\nencoder: [flatten, dense: 8]\ndecoder: [dense: 64, unflatten: [1, 8, 8]]\n");
        var result = Run(Settings() with { Model = model, Optimizer = "sgd" }, SearchSpace.Grid("lr=1e30,1e-2"), "diverge");
        result.Ranked.Select(t => t.Status).Should().Equal(TrialStatus.Completed, TrialStatus.Diverged);
        result.Ranked[1].Score.Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void Halving_keeps_the_best_third_at_each_rung_and_counts_its_epochs()
    {
        var settings = Settings() with { Epochs = 9, Pruner = Pruner.Halving, Eta = 3 };
        settings.Rungs().Should().Equal(1, 3, 9);
        var trials = SearchSpace.Grid("lr=1e-1,5e-2,1e-2,5e-3,1e-3,5e-4,1e-4,5e-5,1e-5");
        var result = Run(settings, trials, "halving");
        result.Ranked.Count(t => t.Status == TrialStatus.Completed).Should().Be(1);
        result.Ranked.Count(t => t.Status == TrialStatus.Pruned && t.Budget == 3).Should().Be(2);
        result.Ranked.Count(t => t.Status == TrialStatus.Pruned && t.Budget == 1).Should().Be(6);
        result.EpochsTrained.Should().Be(9 * 3 * 1 + 3 * 3 * 3 + 1 * 3 * 9);
        settings.PlannedEpochs(trials.Count).Should().Be(result.EpochsTrained);
        result.FullGridEpochs.Should().Be(9 * 3 * 9);
    }

    [Fact]
    public void A_sweep_scores_by_the_last_epochs_or_the_best()
    {
        var trials = SearchSpace.Grid("code-size=2,8");
        var last = Run(Settings(StudyKind.Sweep) with { Epochs = 6, LastEpochs = 2 }, trials, "last");
        var best = Run(Settings(StudyKind.Sweep) with { Epochs = 6, ScoreBest = true }, trials, "best");
        foreach (var t in last.Ranked)
            t.Score.Should().BeApproximately(t.Folds[0].Epochs.TakeLast(2).Average(e => e.EvalLoss), 1e-12);
        foreach (var t in best.Ranked)
            t.Score.Should().Be(t.Folds[0].Epochs.Min(e => e.EvalLoss));
        last.Ranked.Should().OnlyContain(t => t.Folds.Count == 1 && t.Folds[0].Epochs.Count == 6);
    }

    [Fact]
    public void A_store_holding_another_study_is_refused()
    {
        var trials = SearchSpace.Grid("lr=1e-2");
        Run(Settings(), trials, "mine");
        using var store = new SqliteStudyStore(Path.Combine(_dir, "mine.db"));
        FluentActions.Invoking(() => store.Open((Settings() with { Epochs = 4 }).Definition(trials))).Should().Throw<StudyMismatchException>()
            .Which.Resumable.Should().BeTrue("the stored study can go on with its own settings");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
