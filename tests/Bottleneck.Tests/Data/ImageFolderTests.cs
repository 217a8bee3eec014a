using Bottleneck.Data;
using FluentAssertions;
using SkiaSharp;

namespace Bottleneck.Tests.Data;

/// <summary>
/// Image folders as torchvision's ImageFolder reads them, on a small tree of PNG and JPEG files made here: labels by
/// folder, sizes, colour and gray, a published train/test split, and a truncated file refused by name or skipped.
/// </summary>
public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-images-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private string Tree()
    {
        SyntheticImages.Write(Path.Combine(_dir, "tree", "cat", "a.png"), 8, 8, new SKColor(200, 100, 50));
        SyntheticImages.Write(Path.Combine(_dir, "tree", "cat", "b.jpg"), 12, 10, new SKColor(90, 90, 90));
        SyntheticImages.Write(Path.Combine(_dir, "tree", "dog", "c.png"), 8, 8, new SKColor(10, 20, 30));
        File.WriteAllText(Path.Combine(_dir, "tree", "dog", "notes.txt"), "not an image");
        return Path.Combine(_dir, "tree");
    }

    [Fact]
    public void Images_are_labelled_by_folder_resized_on_request_and_kept_in_colour_when_they_have_it()
    {
        string tree = Tree();
        FluentActions.Invoking(() => ImageFolder.Load("images:" + tree)).Should().Throw<DataFormatException>()
            .WithMessage("*b.jpg is 12×10*a.png 8×8; give a size to resize them all, e.g. images:*?size=28");

        var loaded = ImageFolder.Load($"images:{tree}?size=8");
        loaded.ClassNames.Should().Equal("cat", "dog");
        loaded.Train.Labels.Should().Equal(0, 0, 1);
        loaded.Train.ImageShape.Should().Equal(3, 8, 8);
        loaded.Test.Should().BeNull();
        var first = loaded.Train.Features.Row(0);
        (first[0], first[64], first[128]).Should().Be((200 / 255f, 100 / 255f, 50 / 255f), "channel-major RGB of a lossless PNG");
    }

    [Fact]
    public void Gray_is_601_luma_and_an_all_gray_folder_is_one_channel()
    {
        string tree = Tree();
        var gray = ImageFolder.Load($"images:{tree}?size=8&channels=1");
        gray.Train.ImageShape.Should().Equal(1, 8, 8);
        gray.Train.Features.Row(0)[0].Should().Be((200 * 299 + 100 * 587 + 50 * 114) / 1000 / 255f);

        SyntheticImages.Write(Path.Combine(_dir, "gray", "x", "a.png"), 4, 4, new SKColor(60, 60, 60));
        SyntheticImages.Write(Path.Combine(_dir, "gray", "y", "b.png"), 4, 4, new SKColor(180, 180, 180));
        ImageFolder.Load("images:" + Path.Combine(_dir, "gray")).Train.ImageShape.Should().Equal(1, 4, 4);
    }

    [Fact]
    public void Train_and_test_folders_are_a_published_split()
    {
        foreach (var (split, n) in new[] { ("train", 3), ("test", 2) })
            for (int i = 0; i < n; i++)
                foreach (var label in new[] { "a", "b" })
                    SyntheticImages.Write(Path.Combine(_dir, "split", split, label, $"{i}.png"), 6, 6, new SKColor((byte)(40 * i), 0, 0));
        var loaded = ImageFolder.Load("images:" + Path.Combine(_dir, "split"));
        (loaded.Train.Count, loaded.Test!.Count).Should().Be((6, 4));
        var (train, test) = new DataSource("images:" + Path.Combine(_dir, "split")).Load(seed: 0);
        (train.Count, test.Count).Should().Be((6, 4), "the run uses the folder's split");
    }

    [Fact]
    public void A_truncated_image_is_named_in_one_line_or_skipped_and_counted()
    {
        string tree = Tree();
        byte[] png = File.ReadAllBytes(Path.Combine(tree, "dog", "c.png"));
        File.WriteAllBytes(Path.Combine(tree, "dog", "d.png"), png[..(png.Length / 2)]);
        File.WriteAllBytes(Path.Combine(tree, "dog", "e.png"), "not a png at all"u8.ToArray());

        FluentActions.Invoking(() => ImageFolder.Load($"images:{tree}?size=8")).Should().Throw<DataFormatException>()
            .Which.Message.Should().Contain("d.png").And.Contain("?skip-bad").And.NotContain("\n");
        var skipped = ImageFolder.Load($"images:{tree}?size=8&skip-bad");
        skipped.Train.Count.Should().Be(3);
        skipped.Skipped.Select(Path.GetFileName).Should().Equal("d.png", "e.png");

        var log = new List<string>();
        DatasetCatalog.LoadParts($"images:{tree}?size=8&skip-bad", log: log.Add);
        log.Should().ContainSingle().Which.Should().Be("skipped 2 unreadable images: d.png, e.png");
    }

    [Theory]
    [InlineData("?channels=2", "channels=2")]
    [InlineData("?size=0", "size=0")]
    [InlineData("?colour", "colour")]
    public void Unknown_options_are_refused_with_the_ones_there_are(string options, string named)
    {
        FluentActions.Invoking(() => ImageFolder.Load("images:" + Tree() + options)).Should().Throw<SettingException>()
            .WithMessage($"*'{named}'*channels=1 or 3, size=N from 1 to 4096, or skip-bad*");
    }
}
