using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Tests.Layers;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Training;

public class DenoisingTests
{
    private static TrainSettings Make(int epochs, string? denoise = null, double codeL1 = 0, int threads = 1) => new()
    {
        Model = new ModelChoice("dense", 16, [32], OutputActivation.Sigmoid, InitScheme.KaimingUniform),
        Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 1e-2 },
        Epochs = epochs,
        BatchSize = 64,
        Seed = 4,
        Threads = threads,
        Denoise = denoise is null ? null : Denoising.Parse(denoise),
        CodeL1 = codeL1,
    };

    private static float[] Weights(TrainResult r) => [.. r.Model.Parameters.SelectMany(p => p.Value.Data)];

    [Theory]
    [InlineData("noise:0.3", "noise:0.3")]
    [InlineData(" Noise:0.30 + BLOCK:0.25 ", "noise:0.3+block:0.25")]
    [InlineData("pixels:0.5", "occlusion:0.5")]
    [InlineData("occlusion:1e-1", "occlusion:0.1")]
    public void A_denoise_setting_reads_back_one_way(string text, string canonical) =>
        Denoising.Parse(text)!.ToString().Should().Be(canonical);

    [Theory]
    [InlineData("none")]
    [InlineData("")]
    public void None_is_a_plain_autoencoder(string text) => Denoising.Parse(text).Should().BeNull();

    [Theory]
    [InlineData("noise", "is not kind:level")]
    [InlineData("salt:0.1", "unknown corruption 'salt'")]
    [InlineData("noise:abc", "'abc' is not a number")]
    [InlineData("noise:-0.1", "must be a number ≥ 0")]
    [InlineData("block:1.5", "at most 1")]
    [InlineData("noise:0.3+", "is not kind:level")]
    public void A_bad_denoise_setting_is_named(string text, string message)
    {
        var act = () => Denoising.Parse(text);
        act.Should().Throw<SettingException>().Where(e => e.Setting == "denoise" && e.Message.Contains(message));
    }

    [Fact]
    public void In_place_corruption_is_bit_identical_to_the_copying_one()
    {
        var images = GradientCheck.RandomTensor(new RandomState(3), [5, 64], 1.0);
        int[] shape = [1, 8, 8];
        foreach (var (corruption, level) in new[] { (Corruption.Noise(), 0.4), (Corruption.Noise(clip: true), 0.4), (Corruption.Pixels(), 0.3), (Corruption.Block(), 0.3) })
        {
            var copy = corruption.Apply(images, shape, level, new RandomState(11));
            var inPlace = images.Clone();
            corruption.ApplyInPlace(inPlace.Data, 5, shape, level, new RandomState(11), new int[corruption.ScratchLength(shape, 64)]);
            inPlace.Data.Should().Equal(copy.Data, $"{corruption.Name} at {level}");
        }
    }

    [Fact]
    public void Denoising_changes_training_and_is_the_same_on_any_thread_count()
    {
        var (train, test) = TrainerTests.Digits01();
        var plain = Trainer.Run(Make(2), train, test);
        var one = Trainer.Run(Make(2, "noise:0.3+block:0.25"), train, test);
        var two = Trainer.Run(Make(2, "noise:0.3+block:0.25", threads: 2), train, test);
        Weights(one).Should().NotEqual(Weights(plain), "the model learns from corrupted inputs");
        Weights(two).Should().Equal(Weights(one));
        one.Epochs.Select(e => e.TrainLoss).Should().Equal(two.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void A_denoising_autoencoder_reconstructs_noisy_inputs_better_than_a_plain_one()
    {
        var (train, test) = TrainerTests.Digits01();
        var plain = Trainer.Run(Make(30), train, test);
        var denoising = Trainer.Run(Make(30, "noise:0.3"), train, test);
        double NoisyMse(Autoencoder model)
        {
            var noisy = Corruption.Noise().Apply(test.Features, test.ImageShape, 0.3, new RandomState(99));
            model.Eval();
            var y = model.Forward(noisy);
            return y.Data.Select((v, i) => Math.Pow(v - test.Features.Data[i], 2)).Average();
        }
        NoisyMse(denoising.Model).Should().BeLessThan(NoisyMse(plain.Model));
        // On clean inputs the plain model is no worse: the denoising one paid for its robustness.
        plain.TestMse.Should().BeLessThanOrEqualTo(denoising.TestMse * 1.05);
    }

    [Fact]
    public void A_resumed_denoising_run_corrupts_exactly_as_an_uninterrupted_one()
    {
        var (train, test) = TrainerTests.Digits01();
        var whole = Trainer.Run(Make(4, "noise:0.2+occlusion:0.2"), train, test);
        TrainingState? afterTwo = null;
        Trainer.Run(Make(2, "noise:0.2+occlusion:0.2"), train, test, epochEnded: s => afterTwo = s);
        var resumed = Trainer.Run(Make(4, "noise:0.2+occlusion:0.2"), train, test, resume: afterTwo);
        Weights(resumed).Should().Equal(Weights(whole));
    }

    [Fact]
    public void Denoising_and_sparse_steps_allocate_nothing()
    {
        var (train, test) = TrainerTests.Digits01();
        TrainerTests.AllocatedInSteadySteps(Make(2, "noise:0.3+occlusion:0.2+block:0.1", codeL1: 1e-3), train, test).Should().Be(0);
    }

    [Fact]
    public void The_code_penalty_makes_codes_sparser_and_is_reported()
    {
        var (train, test) = TrainerTests.Digits01();
        var plain = Trainer.Run(Make(15), train, test);
        var sparse = Trainer.Run(Make(15, codeL1: 0.05), train, test);
        plain.CodeNearZeroFraction.Should().BeNull("the share is reported only for a sparse run");
        sparse.CodeNearZeroFraction.Should().NotBeNull();
        double plainShare = NearZero(plain.Model, test);
        sparse.CodeNearZeroFraction!.Value.Should().BeApproximately(NearZero(sparse.Model, test), 1e-12);
        sparse.CodeNearZeroFraction.Value.Should().BeGreaterThan(plainShare + 0.2);
    }

    [Fact]
    public void A_negative_code_penalty_is_refused()
    {
        var (train, test) = TrainerTests.Digits01();
        var act = () => Trainer.Run(Make(1, codeL1: -1), train, test);
        act.Should().Throw<SettingException>().Where(e => e.Setting == "code-l1");
    }

    private static double NearZero(Autoencoder model, Dataset test)
    {
        model.Eval();
        var code = model.Encode(test.Features);
        return code.Data.Count(z => Math.Abs(z) < CodeL1.NearZero) / (double)code.Length;
    }
}
