using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;
using Xunit.Abstractions;

namespace Bottleneck.Tests.Search;

[Trait("Category", "Slow")]
public sealed class HalvingOnFashionMnistTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-halving-").FullName;

    // Study B's phase-1 grid (36 learning rate × weight decay pairs, 3-fold cross-validation) on the first
    // 6,000 training images, 9 epochs: halving must pick the full grid's winner with at most a third of its epochs.
    // (On 1,500 images a one-epoch first rung is ~8 Adam steps: too little to rank by, and it picks another winner.)
    [FashionMnistFact]
    public void Halving_finds_the_full_grids_best_with_a_third_of_the_epochs()
    {
        var (train, test) = DatasetCatalog.LoadSplit("fashion-mnist", FashionMnistFactAttribute.Directory, allowDownload: false, log: null);
        train = train.Subset([.. Enumerable.Range(0, 6000)]);
        var settings = new StudySettings
        {
            Dataset = "fashion-mnist", Limit = 6000, Model = "lab", Epochs = 9, BatchSize = 128, Folds = 3, Seed = 0,
            Pruner = Pruner.Halving, Eta = 3, Threads = Environment.ProcessorCount,
        };
        var trials = SearchSpace.Grid("lr=5e-2,1e-2,5e-3,1e-3,5e-4,1e-4;weight-decay=5e-4,1e-4,5e-5,1e-5,5e-6,1e-6");
        using var store = new SqliteStudyStore(Path.Combine(_dir, "study.db"));
        store.Open(settings.Definition(trials));

        var result = Study.Run(settings, trials, train, test, store, verify: true);

        output.WriteLine($"halving best: {result.Best?.Params} ({result.Best?.Score:0.000000}); full grid best: {result.FullGridWinner?.Params} " +
                         $"({result.FullGridWinner?.Score:0.000000}); epochs {result.EpochsTrained} of {result.FullGridEpochs}");
        result.Best.Should().NotBeNull();
        result.Best!.Params.Key.Should().Be(result.FullGridWinner!.Params.Key);
        (3 * result.EpochsTrained).Should().BeLessThanOrEqualTo(result.FullGridEpochs);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
