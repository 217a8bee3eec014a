using Bottleneck.Cli.Output;
using Bottleneck.Search;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Cli;

public sealed class ProgressTextTests
{
    [Theory]
    [InlineData(0, 0, 3, false, 2, "[2/3]")]
    [InlineData(0, 0, 3, false, 8, "[3/3]")]
    [InlineData(2, 3, 1, false, 1, "[rung 2/3: 1/1]")]
    [InlineData(0, 0, 3, true, 1, "[full grid 1/3]")]
    public void A_trial_counter_names_its_pass_and_never_runs_past_its_total(int rung, int rungs, int trials, bool verify, int done, string expected) =>
        ProgressText.Counter(new StudyStage(rung, rungs, trials, verify), done).Should().Be(expected);

    [Fact]
    public void An_epoch_line_has_the_epoch_of_all_both_losses_the_speed_and_a_labelled_time_left()
    {
        var epoch = new EpochRecord(3, 0.123456, 0.1, Seconds: 2.5, TrainSeconds: 2, LearningRate: 1e-3);
        ProgressText.Epoch(epoch, 10, 60_000, TimeSpan.FromSeconds(75))
            .Should().Be("epoch 3/10  train_loss 0.1235  val_loss 0.1000  30,000 img/s  (1:15 left)");
        ProgressText.Epoch(epoch with { Epoch = 10 }, 10, 60_000, null).Should().EndWith("(done)");
        ProgressText.Epoch(epoch with { EvalLoss = double.NaN }, 10, 0, null).Should().Be("epoch 3/10  train_loss 0.1235  val_loss n/a  (time left unknown)");
    }

    [Theory]
    [InlineData(59, "0:59")]
    [InlineData(3600 + 62, "1:01:02")]
    [InlineData(100 * 3600, "100:00:00")]
    public void Time_left_reads_as_a_clock(int seconds, string expected) => ProgressText.TimeLeft(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void Time_left_is_measured_on_this_invocations_work_only()
    {
        // A resumed run did 90 of its 100 epochs before; 5 of the last 10 took 10 s here, so 5 more take 10 s.
        ProgressText.Remaining(TimeSpan.FromSeconds(10), done: 5, toDo: 10).Should().Be(TimeSpan.FromSeconds(10));
        ProgressText.Remaining(TimeSpan.FromSeconds(10), done: 0, toDo: 10).Should().BeNull();
    }
}
