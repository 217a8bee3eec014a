using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Training;

public class ProfileTests
{
    private static TrainSettings Lab(bool profile) => new()
    {
        Model = new ModelChoice("lab", 20),
        Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 1e-3 },
        Epochs = 2,
        BatchSize = 20,
        Seed = 3,
        Threads = 2,
        Profile = profile,
    };

    [Fact]
    public void A_profile_changes_no_number()
    {
        var (train, test) = (LabTrainingTests.RandomImages(50, 1), LabTrainingTests.RandomImages(20, 2));
        var plain = Trainer.Run(Lab(profile: false), train, test);
        var profiled = Trainer.Run(Lab(profile: true), train, test);
        plain.Profile.Should().BeNull();
        profiled.Profile.Should().NotBeNull();
        Checkpoint.StateDict(profiled.Model).SelectMany(t => t.Value.Data).Should().Equal(Checkpoint.StateDict(plain.Model).SelectMany(t => t.Value.Data));
        profiled.Epochs.Select(e => e.TrainLoss).Should().Equal(plain.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void A_profile_counts_every_layer_and_step_and_the_products_they_compute()
    {
        var (train, test) = (LabTrainingTests.RandomImages(50, 1), LabTrainingTests.RandomImages(20, 2));
        var result = Trainer.Run(Lab(profile: true), train, test);
        var p = result.Profile!;
        var layers = result.Model.Layers.ToList();
        p.Layers.Select(l => l.Layer.Replace(" (inside the convolution above)", "", StringComparison.Ordinal)).Should().Equal(layers.Select(l => l.ToString()));
        // The activation after each of the six convolutions runs inside it, and is named so.
        var fused = p.Layers.Select((l, i) => (l, i)).Where(t => t.l.Layer.EndsWith("(inside the convolution above)", StringComparison.Ordinal)).ToList();
        fused.Should().HaveCount(6).And.OnlyContain(t => p.Layers[t.i - 1].Layer.Contains("Conv", StringComparison.Ordinal));
        p.Layers.Count(l => l.Part == "encoder").Should().Be(result.Model.Encoder.Layers.Count());
        p.Steps.Should().Be(2 * 3, "two epochs of ⌈50 / 20⌉ batches");
        p.Samples.Should().Be(100);
        p.TrainSeconds.Should().Be(result.Epochs.Sum(e => e.TrainSeconds));
        p.EvaluationSeconds.Should().BeApproximately(result.Epochs.Sum(e => e.Seconds - e.TrainSeconds), 1e-9);

        // The first convolution, 1 → 8 channels, 3×3 at stride 2 on 28×28: 14·14 outputs of 9 multiply-adds per channel.
        var first = p.Layers[0];
        double flop = 2.0 * 8 * 14 * 14 * 9 * 100 / 1e9;
        first.ForwardGflop.Should().BeApproximately(flop, 1e-12);
        first.WeightGradientGflop.Should().BeApproximately(flop, 1e-12);
        first.InputGradientGflop.Should().Be(0, "the first layer computes no input gradient");
        p.Layers[2].InputGradientGflop.Should().BeApproximately(p.Layers[2].ForwardGflop, 1e-12);
        p.Layers.Where(l => l.Layer == "ReLU").Should().OnlyContain(l => l.Gflop == 0 && l.WeightGradientSeconds == 0);
        p.Layers.Where(l => l.Layer.StartsWith("Conv", StringComparison.Ordinal)).Should().OnlyContain(l => l.ForwardSeconds > 0 && l.WeightGradientSeconds > 0);

        (p.LayerSeconds + p.BatchSeconds + p.LossSeconds + p.OptimizerSeconds).Should().BeLessThanOrEqualTo(p.TrainSeconds * 1.0001);
        p.Gflops.Should().BeGreaterThan(0).And.BeLessThan(p.PeakGflops, "nothing computes faster than the machine's peak");
    }

    // One thread, so every kernel (unfold, GEMM, fold, the profile's clocks) runs on the thread whose allocations are counted.
    [Fact]
    public void Profiled_steady_steps_of_the_conv_model_allocate_nothing()
    {
        var (train, test) = (LabTrainingTests.RandomImages(100, 1), LabTrainingTests.RandomImages(20, 2));
        TrainerTests.AllocatedInSteadySteps(Lab(profile: true) with { Threads = 1 }, train, test).Should().Be(0);
    }

    [Fact]
    public void Profiled_steady_steps_allocate_nothing()
    {
        var (train, test) = TrainerTests.Digits01();
        var settings = new TrainSettings
        {
            Model = new ModelChoice("dense", 16, [], OutputActivation.Sigmoid, Bottleneck.Layers.InitScheme.GlorotUniform),
            Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch),
            Epochs = 2,
            BatchSize = 64,
            Threads = 1,
            Profile = true,
        };
        TrainerTests.AllocatedInSteadySteps(settings, train, test).Should().Be(0);
    }
}
