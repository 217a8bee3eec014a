using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Training;
using FluentAssertions;
using Xunit.Abstractions;

namespace Bottleneck.Tests.Training;

[Trait("Category", "Slow")]
public class LabTrainingTests(ITestOutputHelper output)
{
    private static TrainSettings Settings(uint seed, int threads, int epochs) => new()
    {
        Model = new ModelChoice("lab", 20),
        Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 1e-3, WeightDecay = 1e-5 },
        Epochs = epochs,
        BatchSize = 128,
        Seed = seed,
        Threads = threads,
    };

    internal static Dataset RandomImages(int count, uint seed)
    {
        var rng = new RandomState(seed);
        var x = new Tensor(count, 784);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return new Dataset("random", x, null, [1, 28, 28]);
    }

    // Every kernel splits its work in fixed pieces and sums them in a fixed order, so the whole
    // data-parallel training step is bit-for-bit the same on one thread or two.
    [Fact]
    public void Lab_training_gives_identical_weights_on_one_and_two_threads()
    {
        var (train, test) = (RandomImages(300, 1), RandomImages(100, 2));
        var one = Trainer.Run(Settings(7, threads: 1, epochs: 2), train, test);
        var two = Trainer.Run(Settings(7, threads: 2, epochs: 2), train, test);
        var weightsOne = Checkpoint.StateDict(one.Model).SelectMany(t => t.Value.Data).ToArray();
        var weightsTwo = Checkpoint.StateDict(two.Model).SelectMany(t => t.Value.Data).ToArray();
        weightsTwo.Should().Equal(weightsOne);
        two.TestMse.Should().Be(one.TestMse);
        one.Epochs.Select(e => e.TrainLoss).Should().Equal(two.Epochs.Select(e => e.TrainLoss));
    }

    // torch_study_b.py (Adam, lr 1e-3, weight decay 1e-5, batch 256, 2 epochs, code size 20) gave a test MSE
    // of 0.0263, 0.0272, 0.0269, 0.0279, 0.0318, 0.0279, 0.0276 for torch seeds 0–6 on this project's
    // machine: median 0.0276. Single seeds differ by 10% or more in either framework, so the median is compared.
    private const double PyTorchMedianTestMse = 0.0276;

    [FashionMnistFact]
    public void Lab_model_on_fashion_mnist_matches_pytorchs_quality_within_ten_percent()
    {
        var (train, test) = DatasetCatalog.LoadSplit("fashion-mnist", FashionMnistFactAttribute.Directory, allowDownload: false, log: null);
        var scores = Enumerable.Range(0, 5)
            .Select(seed => Trainer.Run(Settings((uint)seed, Environment.ProcessorCount, epochs: 2) with { BatchSize = 256 }, train, test).TestMse)
            .Order().ToList();
        double median = scores[2];
        output.WriteLine($"test MSE, seeds 0–4 (sorted): {string.Join(", ", scores.Select(s => s.ToString("0.00000")))}; median {median:0.00000}");
        median.Should().BeLessThanOrEqualTo(1.10 * PyTorchMedianTestMse, $"test MSEs over seeds 0–4: {string.Join(", ", scores.Select(s => s.ToString("0.00000")))}");
        median.Should().BeGreaterThan(0.01, "two epochs cannot fit the test set that well: something else is being measured");
    }
}
