using Bottleneck.Data;
using Bottleneck.Search;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public class OptimizerComparisonTests
{
    // The study's own protocol and seed: our numbers must land where Keras and PyTorch put them.
    [Fact]
    public void Default_protocol_reproduces_study_A()
    {
        var result = OptimizerComparison.Run(new OptimizerStudySettings(), Digits.Load());
        var mse = result.Runs.ToDictionary(r => r.Optimizer, r => r.TestMse);
        mse["adam"].Should().BeInRange(0.62, 0.76);
        mse["rmsprop"].Should().BeInRange(0.62, 0.76);
        mse["sgd"].Should().BeInRange(1.00, 1.25);
        mse["adagrad"].Should().BeInRange(1.00, 1.25);
        result.Runs.Should().OnlyContain(r => r.Status == RunStatus.Completed && r.Result.Epochs.Count == 50);
        result.Data.Train.Should().Be(1347);
        result.Data.Test.Should().Be(450);
        result.Data.Warnings.Should().HaveCount(2).And.OnlyContain(w => !w.Contains("--"), "the library names settings, not flags");
        result.Data.Warnings[0].Should().Contain("minmax scaler");
        result.Data.Warnings[1].Should().Be(DataSummary.NegativeLossNote, "study A's BCE on standardised data goes below 0");
        result.Runs.Should().Contain(r => r.Result.Epochs.Any(e => e.TrainLoss < 0), "which is why the note is there");
        result.Data.MseFloor.Should().BeGreaterThan(0).And.BeLessThan(mse["adam"]);
    }

    [Fact]
    public void Thread_count_does_not_change_any_number()
    {
        var settings = new OptimizerStudySettings { Epochs = 4, Optimizers = ["sgd", "adam", "nadam"], Repeats = 2 };
        var one = OptimizerComparison.Run(settings with { Threads = 1 }, Digits.Load());
        var two = OptimizerComparison.Run(settings with { Threads = 2 }, Digits.Load());
        Numbers(one).Should().Equal(Numbers(two));
    }

    // One run and two threads: the spare thread goes to the kernels (a 512-wide layer is big enough
    // for the GEMMs to split), and still no number changes.
    [Fact]
    public void A_single_run_using_two_threads_in_its_kernels_matches_one_thread()
    {
        var settings = new OptimizerStudySettings { Epochs = 2, Optimizers = ["adam"], Hidden = [512] };
        var one = OptimizerComparison.Run(settings with { Threads = 1 }, Digits.Load());
        var two = OptimizerComparison.Run(settings with { Threads = 2 }, Digits.Load());
        Numbers(one).Should().Equal(Numbers(two));
    }

    [Fact]
    public void Repeats_use_consecutive_seeds_and_report_a_spread()
    {
        var result = OptimizerComparison.Run(new OptimizerStudySettings { Epochs = 3, Optimizers = ["adam"], Repeats = 3 }, Digits.Load());
        result.Runs.Select(r => r.Seed).Order().Should().Equal(42u, 43u, 44u);
        result.Ranking.Single().StdTestMse.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Minmax_scaling_removes_the_sigmoid_floor()
    {
        var result = OptimizerComparison.Run(new OptimizerStudySettings { Epochs = 1, Optimizers = ["adam"], Scaler = ScalerKind.MinMax }, Digits.Load());
        result.Data.Warnings.Should().BeEmpty();
        result.Data.MseFloor.Should().Be(0);
    }

    [Fact]
    public void A_diverging_optimizer_is_ranked_last_and_does_not_stop_the_others()
    {
        var result = OptimizerComparison.Run(new OptimizerStudySettings { Epochs = 3, Optimizers = ["sgd", "adam"], LearningRate = 1e30, Loss = Bottleneck.Losses.LossFunction.Mse, Output = Bottleneck.Models.OutputActivation.Linear }, Digits.Load());
        result.Runs.Should().HaveCount(2);
        result.Runs.Should().Contain(r => r.Status == RunStatus.Diverged);
        result.Ranking.Last().Diverged.Should().Be(1);
    }

    [Fact]
    public void A_cancelled_study_keeps_its_runs_and_says_they_were_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var settings = new OptimizerStudySettings { Epochs = 1000, Optimizers = ["adam", "sgd"], Threads = 1 };
        var result = OptimizerComparison.Run(settings, Digits.Load(), p => { if (p.Training.Completed?.Epoch == 2) cts.Cancel(); }, cts.Token);
        result.Cancelled.Should().BeTrue();
        var adam = result.Runs.Should().ContainSingle().Which;
        adam.Status.Should().Be(RunStatus.Cancelled);
        adam.Result.Epochs.Should().HaveCount(2);
        result.Ranking.Single().Status.Should().Be("1/1 cancelled");
    }

    private static double[] Numbers(OptimizerStudyResult r) =>
        [.. r.Runs.OrderBy(x => x.Optimizer).ThenBy(x => x.Repeat)
            .SelectMany(x => x.Result.Epochs.SelectMany(e => new[] { e.TrainLoss, e.EvalLoss }).Append(x.TestMse))];
}
