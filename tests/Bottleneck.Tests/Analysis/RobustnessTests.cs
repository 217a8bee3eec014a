using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Training;
using FluentAssertions;
using Xunit;

namespace Bottleneck.Tests.Analysis;

public sealed class RobustnessTests
{
    private static readonly ModelSpec DigitsDense = Presets.Dense([1, 8, 8], 8, [32], OutputActivation.Sigmoid, InitScheme.KaimingUniform);

    // The digits scaled to [0, 1] (features 0..16), as 1×8×8 images.
    private static Dataset Digits(int count)
    {
        var all = DatasetCatalog.Load("digits");
        var scaled = all.Features.Clone();
        for (int i = 0; i < scaled.Length; i++) scaled.Data[i] /= 16f;
        return all.WithFeatures(scaled).Subset([.. Enumerable.Range(0, count)]);
    }

    private static Autoencoder Trained(Dataset data)
    {
        var outcome = Trainer.Run(new TrainSettings
        {
            Model = new ModelChoice("dense", 8, [32]),
            Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 0.01 },
            Epochs = 30,
            BatchSize = 64,
            Seed = 3,
            Threads = 1,
        }, data, data);
        return outcome.Model;
    }

    [Theory]
    [InlineData(CorruptionKind.Noise)]
    [InlineData(CorruptionKind.Pixels)]
    [InlineData(CorruptionKind.Block)]
    public void Level_zero_equals_the_plain_reconstruction_mse(CorruptionKind kind)
    {
        var data = Digits(300);
        var model = DigitsDense.Build(new RandomState(1));
        model.Eval();
        var x = new Tensor([data.Count, 1, 8, 8]);
        data.Features.Data.CopyTo(x.Data, 0);
        double plain = new MSELoss().Forward(model.Forward(x), x);

        var curve = Robustness.Run(model, data, new Corruption(kind), [0.0, 0.5], seed: 9, batchSize: 64);

        curve.Levels[0].MseMean.Should().BeApproximately(plain, 1e-6 * plain);
        curve.Levels[0].InputMseMean.Should().Be(0, "an untouched image is its own clean image");
        curve.Levels[1].InputMseMean.Should().BePositive();
        curve.Samples.Should().Be(300);
    }

    [Fact]
    public void Input_baseline_of_unclipped_noise_is_alpha_squared()
    {
        var data = Digits(500);
        var model = DigitsDense.Build(new RandomState(1));
        var curve = Robustness.Run(model, data, Corruption.Noise(), [0.1, 0.5, 1.0], seed: 4);
        foreach (var level in curve.Levels)
            level.InputMseMean.Should().BeApproximately(level.Level * level.Level, 0.03 * level.Level * level.Level,
                "E[(α·z)²] = α² for z ~ N(0, 1)");
    }

    [Fact]
    public void Reconstruction_error_of_a_trained_model_grows_with_the_damage()
    {
        var data = Digits(600);
        var model = Trained(data);
        var noise = Robustness.Run(model, data, Corruption.Noise(clip: true), [0.0, 0.25, 0.5, 1.0], seed: 5);
        var pixels = Robustness.Run(model, data, Corruption.Pixels(), [0.0, 0.3, 0.6, 0.9], seed: 5);
        foreach (var curve in new[] { noise, pixels })
        {
            curve.Levels.Select(l => l.MseMean).Should().BeInAscendingOrder($"{curve.Corruption.Name}: more damage, worse reconstructions");
            curve.Levels.Select(l => l.InputMseMean).Should().BeInAscendingOrder();
            curve.Levels[^1].MseMean.Should().BeGreaterThan(1.5 * curve.Levels[0].MseMean);
            curve.Levels.Should().OnlyContain(l => l.MseStd > 0);
        }
        noise.Levels[^1].MseMean.Should().BeLessThan(noise.Levels[^1].InputMseMean, "at α = 1 the reconstruction is closer to the clean image than the noisy input is");
    }

    [Fact]
    public void Threads_batch_size_and_other_levels_change_no_number()
    {
        var data = Digits(200);
        var model = DigitsDense.Build(new RandomState(2));
        var serial = Robustness.Run(model, data, Corruption.Pixels(), [0.2, 0.4], seed: 8, batchSize: 256, examples: 2);
        using var pool = new WorkerPool(2);
        model.Workers = pool;
        var parallel = Robustness.Run(model, data, Corruption.Pixels(), [0.4], seed: 8, batchSize: 7, examples: 2);
        model.Workers = WorkerPool.Serial;

        parallel.Levels[0].MseMean.Should().BeApproximately(serial.Levels[1].MseMean, 1e-12);
        parallel.Levels[0].MseStd.Should().BeApproximately(serial.Levels[1].MseStd, 1e-12);
        parallel.Levels[0].InputMseMean.Should().Be(serial.Levels[1].InputMseMean);
        parallel.Levels[0].CorruptedExamples.Should().HaveCount(2);
        parallel.Levels[0].CorruptedExamples[1].Should().Equal(serial.Levels[1].CorruptedExamples[1]);
    }

    [Fact]
    public void A_model_for_other_images_is_refused()
    {
        var model = Presets.Dense([1, 28, 28], 4, [], OutputActivation.Sigmoid, InitScheme.KaimingUniform).Build(new RandomState(0));
        FluentActions.Invoking(() => Robustness.Run(model, Digits(10), Corruption.Noise(), [0.1], seed: 0))
            .Should().Throw<ArgumentException>().WithMessage("*[1, 28, 28]*[1, 8, 8]*");
    }
}
