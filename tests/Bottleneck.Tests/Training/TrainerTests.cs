using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Training;

public class TrainerTests
{
    /// <summary>The digits min-max scaled to [0, 1] and split 75/25 with seed 42: the training tests' data.</summary>
    internal static (Dataset Train, Dataset Test) Digits01()
    {
        var digits = Digits.Load();
        var scaled = digits.WithFeatures(new MinMaxScaler().FitTransform(digits.Features));
        return TrainTestSplit.Split(scaled, 0.25, 42);
    }

    private static TrainSettings Make(string optimizer, double lr, int epochs, uint seed = 1, OutputActivation output = OutputActivation.Sigmoid) => new()
    {
        Model = new ModelChoice("dense", 16, [], output, InitScheme.GlorotUniform),
        Optimizer = OptimizerSettings.Defaults(optimizer, OptimizerConvention.PyTorch) with { LearningRate = lr },
        Epochs = epochs,
        BatchSize = 64,
        Seed = seed,
        Threads = 1,
    };

    [Fact]
    public void Training_lowers_the_validation_loss()
    {
        var (train, test) = Digits01();
        var result = Trainer.Run(Make("adam", 1e-2, 10), train, test);
        result.Status.Should().Be(RunStatus.Completed);
        result.Epochs.Should().HaveCount(10);
        result.Epochs[^1].EvalLoss.Should().BeLessThan(0.6 * result.Epochs[0].EvalLoss);
    }

    [Fact]
    public void A_diverging_run_ends_with_status_diverged_instead_of_garbage()
    {
        var (train, test) = Digits01();
        // A linear output: a sigmoid would saturate and keep the loss finite however large the weights get.
        var result = Trainer.Run(Make("sgd", 1e30, 5, output: OutputActivation.Linear), train, test);
        result.Status.Should().Be(RunStatus.Diverged);
        result.Message.Should().Contain("epoch");
        result.Epochs.Should().HaveCountLessThan(5);
        result.Epochs.All(e => double.IsFinite(e.TrainLoss)).Should().BeTrue("epochs before the divergence keep finite losses");
    }

    [Fact]
    public void Cancellation_stops_at_a_batch_and_keeps_finished_epochs()
    {
        var (train, test) = Digits01();
        using var cts = new CancellationTokenSource();
        var result = Trainer.Run(Make("adam", 1e-3, 1000), train, test, p => { if (p.Completed?.Epoch == 3) cts.Cancel(); }, cts.Token);
        result.Status.Should().Be(RunStatus.Cancelled);
        result.Epochs.Should().HaveCount(3);
    }

    [Fact]
    public void Steady_state_training_steps_allocate_nothing()
    {
        var (train, test) = Digits01();
        AllocatedInSteadySteps(Make("adam", 1e-3, 2), train, test).Should().Be(0);
    }

    /// <summary>
    /// Bytes allocated between the first and the last batch of the second epoch (the first sizes every buffer), so only
    /// training steps fall inside. Warm-up runs first, for half a second at least, let the runtime promote the step's methods
    /// to optimised code (it waits for 100 ms without new compilations before it counts calls): a promotion can start a
    /// background compiler thread, whose objects are allocated on the thread that triggered it, and a small dataset's epochs
    /// take a millisecond, so without the warm-up the promotion can fall inside the measured epoch.
    /// </summary>
    internal static long AllocatedInSteadySteps(TrainSettings settings, Dataset train, Dataset test)
    {
        var warm = System.Diagnostics.Stopwatch.StartNew();
        do Trainer.Run(settings with { Epochs = 5 }, train, test);
        while (warm.ElapsedMilliseconds < 500);
        Thread.Sleep(200);
        long before = 0, during = -1;
        int batches = 0;
        Trainer.Run(settings, train, test, p =>
        {
            if (p.Epoch != 2 || p.Completed is not null) return;
            if (p.Batch == 1) before = GC.GetAllocatedBytesForCurrentThread();
            else if (p.Batch == p.Batches - 1) during = GC.GetAllocatedBytesForCurrentThread() - before;
            batches++;
        });
        batches.Should().BeGreaterThan(3, "the measurement needs several steady steps");
        return during;
    }

    [Fact]
    public void A_schedule_changes_the_learning_rate_after_every_epoch()
    {
        var (train, test) = Digits01();
        var settings = Make("adam", 1e-3, 4, seed: 3) with { Schedule = ScheduleSpec.Parse("step:step_size=1,gamma=0.5") };
        Trainer.Run(settings, train, test).Epochs.Select(e => e.LearningRate).Should().Equal(1e-3, 5e-4, 2.5e-4, 1.25e-4);
    }

    [Fact]
    public void Early_stopping_ends_a_run_that_stopped_improving()
    {
        var (train, test) = Digits01();
        // A rate so small that nothing improves: the run ends after its first epoch plus the patience.
        var result = Trainer.Run(Make("sgd", 1e-30, 50, seed: 3) with { EarlyStopping = 2 }, train, test);
        result.Status.Should().Be(RunStatus.Completed);
        result.Epochs.Should().HaveCount(3);
        result.Message.Should().Contain("stopped early");
    }

    [Fact]
    public void Same_seed_gives_identical_weights()
    {
        var (train, test) = Digits01();
        var a = Trainer.Run(Make("rmsprop", 1e-3, 3, seed: 9), train, test);
        var b = Trainer.Run(Make("rmsprop", 1e-3, 3, seed: 9), train, test);
        a.Model.Parameters.SelectMany(p => p.Value.Data).Should().Equal(b.Model.Parameters.SelectMany(p => p.Value.Data));
    }
}
