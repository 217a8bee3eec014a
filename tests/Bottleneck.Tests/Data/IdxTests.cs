using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_round_trip_raw_and_gzip(bool gzip)
    {
        byte[] pixels = SyntheticIdx.Pattern(3 * 4 * 5, seed: 11);
        string images = Write("images", SyntheticIdx.File([3, 4, 5], pixels), gzip);
        string labels = Write("labels", SyntheticIdx.File([3], [7, 0, 9]), gzip);

        var data = Idx.Load("synthetic", images, labels);

        data.Count.Should().Be(3);
        data.FeatureCount.Should().Be(20);
        data.ImageShape.Should().Equal(1, 4, 5);
        data.Labels.Should().Equal(7, 0, 9);
        data.Features.Data.Should().Equal(pixels.Select(b => b / 255f), "pixels are byte/255, row-major, image after image");
        Idx.ReadImages(images).Compressed.Should().Be(gzip);
    }

    [Fact]
    public void Pixels_span_zero_to_one_exactly()
    {
        string images = Write("images", SyntheticIdx.File([1, 1, 2], [0, 255]));
        string labels = Write("labels", SyntheticIdx.File([1], [3]));

        Idx.Load("synthetic", images, labels).Features.Data.Should().Equal(0f, 1f);
    }

    [Fact]
    public void Gzip_is_told_by_its_magic_bytes_not_by_the_file_name()
    {
        byte[] content = SyntheticIdx.Images(2, 2, 2);
        string gzipWithoutSuffix = Write("train-images-idx3-ubyte", SyntheticIdx.Gzip(content));
        string rawWithSuffix = Write("t10k-images-idx3-ubyte.gz", content);

        Idx.ReadImages(gzipWithoutSuffix).Content.Should().Equal(content);
        Idx.ReadImages(gzipWithoutSuffix).Compressed.Should().BeTrue();
        Idx.ReadImages(rawWithSuffix).Content.Should().Equal(content);
        Idx.ReadImages(rawWithSuffix).Compressed.Should().BeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_idx_file_names_the_file(bool gzip)
    {
        byte[] whole = SyntheticIdx.Images(2, 3, 4);
        string path = Write(gzip ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte", whole[..(16 + 10)], gzip);

        FluentActions.Invoking(() => Idx.ReadImages(path)).Should().Throw<DataFormatException>()
            .WithMessage($"{Path.GetFileName(path)} is truncated: expected 24 pixel bytes, found 10");
    }

    [Fact]
    public void Truncated_header_names_the_file() =>
        FluentActions.Invoking(() => Idx.ReadImages(Write("train-images-idx3-ubyte", SyntheticIdx.Images(1, 2, 2)[..9])))
            .Should().Throw<DataFormatException>().WithMessage("train-images-idx3-ubyte is truncated: its IDX header needs 16 bytes, found 9");

    [Fact]
    public void A_gzip_stream_cut_short_names_the_file()
    {
        byte[] gzip = SyntheticIdx.Gzip(SyntheticIdx.Images(50, 28, 28));
        string path = Write("t10k-images-idx3-ubyte.gz", gzip[..(gzip.Length / 2)]);

        FluentActions.Invoking(() => Idx.ReadImages(path)).Should().Throw<DataFormatException>()
            .WithMessage("t10k-images-idx3-ubyte.gz is truncated: expected 39,200 pixel bytes, found *");
    }

    [Fact]
    public void A_damaged_gzip_stream_names_the_file()
    {
        byte[] gzip = SyntheticIdx.Gzip(SyntheticIdx.Images(50, 28, 28));
        for (int i = gzip.Length / 3; i < gzip.Length / 3 + 8; i++) gzip[i] ^= 0x5a;
        string path = Write("t10k-images-idx3-ubyte.gz", gzip);

        // zlib notices either broken deflate data or a wrong CRC-32 in the gzip trailer.
        FluentActions.Invoking(() => Idx.ReadImages(path)).Should().Throw<DataFormatException>()
            .Which.Message.Should().StartWith("t10k-images-idx3-ubyte.gz ");
    }

    [Fact]
    public void Wrong_magic_number_is_rejected()
    {
        byte[] bytes = SyntheticIdx.Images(1, 2, 2);
        bytes[2] = 0x0D; // float32 IDX: a valid IDX type, but not the unsigned bytes MNIST uses

        FluentActions.Invoking(() => Idx.ReadImages(Write("images", bytes))).Should().Throw<DataFormatException>()
            .WithMessage("images is not an IDX file of unsigned bytes: magic number 0x00000d03, expected 0x00000803");
    }

    [Fact]
    public void Wrong_dimension_count_is_rejected()
    {
        string labels = Write("train-labels-idx1-ubyte", SyntheticIdx.Labels(4));
        string images = Write("train-images-idx3-ubyte", SyntheticIdx.Images(1, 2, 2));

        FluentActions.Invoking(() => Idx.ReadImages(labels)).Should().Throw<DataFormatException>()
            .WithMessage("train-labels-idx1-ubyte has 1 dimension, expected 3 (count, rows, columns): is it a labels file?");
        FluentActions.Invoking(() => Idx.ReadLabels(images)).Should().Throw<DataFormatException>()
            .WithMessage("train-images-idx3-ubyte has 3 dimensions, expected 1 (count): is it an images file?");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Extra_trailing_bytes_are_rejected(bool gzip)
    {
        byte[] bytes = [.. SyntheticIdx.Labels(4), 1, 2, 3];

        FluentActions.Invoking(() => Idx.ReadLabels(Write("labels", bytes, gzip))).Should().Throw<DataFormatException>()
            .WithMessage("labels has 3 bytes after the 4 label bytes its header announces; it is corrupt or not an IDX file");
    }

    [Fact]
    public void A_zero_dimension_is_rejected() =>
        FluentActions.Invoking(() => Idx.ReadImages(Write("images", SyntheticIdx.File([3, 0, 28], [])))).Should().Throw<DataFormatException>()
            .WithMessage("images: dimension 2 of its header is 0; every dimension must be positive");

    [Fact]
    public void Images_and_labels_of_different_counts_do_not_make_a_dataset()
    {
        string images = Write("train-images-idx3-ubyte", SyntheticIdx.Images(3, 2, 2));
        string labels = Write("t10k-labels-idx1-ubyte", SyntheticIdx.Labels(2));

        FluentActions.Invoking(() => Idx.Load("synthetic", images, labels)).Should().Throw<DataFormatException>()
            .WithMessage("train-images-idx3-ubyte holds 3 images but t10k-labels-idx1-ubyte holds 2 labels; the two files do not belong together");
    }

    [Fact]
    public void A_missing_file_is_named() =>
        FluentActions.Invoking(() => Idx.ReadImages(Path.Combine(_dir, "nothing-here"))).Should().Throw<DataFormatException>()
            .WithMessage($"{Path.Combine(_dir, "nothing-here")}: no such file*");

    private string Write(string name, byte[] content, bool gzip = false)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, gzip ? SyntheticIdx.Gzip(content) : content);
        return path;
    }
}
