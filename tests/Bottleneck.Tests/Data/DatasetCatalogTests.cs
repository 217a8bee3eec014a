using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void Every_dataset_name_is_listed() =>
        DatasetCatalog.Names.Should().Equal("digits", "mnist", "fashion-mnist", "kmnist", "csv:PATH", "npy:PATH", "npz:PATH", "idx:DIR", "images:DIR");

    [Fact]
    public void Only_image_datasets_with_a_published_split_load_as_a_split() =>
        FluentActions.Invoking(() => DatasetCatalog.LoadSplit("digits", null, allowDownload: false, log: null))
            .Should().Throw<ArgumentException>().WithMessage("'digits' has no published train/test split (expected mnist, fashion-mnist, kmnist)");

    [FashionMnistFact]
    public void Fashion_mnist_loads_as_its_published_split_and_as_one_set()
    {
        string dir = FashionMnistFactAttribute.Directory!;
        var log = new List<string>();

        var (train, test) = DatasetCatalog.LoadSplit("fashion-mnist", dir, allowDownload: false, log.Add);
        var whole = DatasetCatalog.Load("fashion-mnist", dir, allowDownload: false);

        (train.Count, test.Count).Should().Be((60000, 10000));
        log.Should().Equal($"fashion-mnist: {dir}");
        whole.Count.Should().Be(70000, "the whole set is the training part followed by the test part");
        whole.ImageShape.Should().Equal(1, 28, 28);
        whole.Features.Row(0).ToArray().Should().Equal(train.Features.Row(0).ToArray());
        whole.Features.Row(60000).ToArray().Should().Equal(test.Features.Row(0).ToArray());
        whole.Labels.Should().Equal([.. train.Labels!, .. test.Labels!]);
    }
}
