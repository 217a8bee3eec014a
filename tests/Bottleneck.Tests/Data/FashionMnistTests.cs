using System.IO.Compression;
using System.Security.Cryptography;
using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

/// <summary>The real Fashion-MNIST, where this machine has it (see <see cref="FashionMnistFactAttribute"/>).</summary>
public sealed class FashionMnistTests
{
    private static string Home => FashionMnistFactAttribute.Directory!;

    [FashionMnistFact]
    public void Real_fashion_mnist_has_60000_training_and_10000_test_images_of_28x28()
    {
        var places = new DatasetPlaces(Home, null, "/nonexistent-cache", "/nonexistent-system");

        var (train, test) = IdxDatasetLoader.Load(MnistFamily.FashionMnist, places, downloader: null);

        (train.Count, train.FeatureCount, test.Count, test.FeatureCount).Should().Be((60000, 784, 10000, 784));
        train.ImageShape.Should().Equal(1, 28, 28);
        train.Labels!.Distinct().Order().Should().Equal(Enumerable.Range(0, 10));
        test.Labels!.Distinct().Order().Should().Equal(Enumerable.Range(0, 10));
        // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
        train.Labels!.GroupBy(l => l).Select(g => g.Count()).Should().AllBeEquivalentTo(6000);
        test.Labels!.GroupBy(l => l).Select(g => g.Count()).Should().AllBeEquivalentTo(1000);
        train.Features.Data.Min().Should().Be(0f);
        train.Features.Data.Max().Should().Be(1f);
        test.Features.Data.Should().OnlyContain(v => v >= 0f && v <= 1f);
    }

    [FashionMnistFact]
    public void Local_fashion_mnist_files_match_the_catalog_checksums()
    {
        foreach (var published in MnistFamily.FashionMnist.Files)
        {
            string gz = Path.Combine(Home, published.Name);
            string path = File.Exists(gz) ? gz : Path.Combine(Home, published.UncompressedName);
            using var file = File.OpenRead(path);
            using Stream content = path == gz ? new GZipStream(file, CompressionMode.Decompress) : file;

            Convert.ToHexStringLower(SHA256.HashData(content)).Should().Be(published.ContentSha256, $"{path} should hold the published data");
        }
    }
}
