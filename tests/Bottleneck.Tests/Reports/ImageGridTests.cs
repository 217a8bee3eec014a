using Bottleneck.Reports;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

public class ImageGridTests
{
    private const int G = ImageGrid.Gap;

    /// <summary>A 2×3 image whose pixel (y, x) has value (3y + x + 1) / 10.</summary>
    private static float[] Ramp() => [.. Enumerable.Range(1, 6).Select(v => v / 10f)];

    private static float[] Flat(float value) => [.. Enumerable.Repeat(value, 6)];

    private static byte Gray(float v) => (byte)Math.Round((double)v * 255, MidpointRounding.AwayFromZero);

    [Fact]
    public void Each_image_is_upscaled_by_nearest_neighbour_between_2px_white_gaps()
    {
        var image = PngDecoder.Decode(ImageGrid.Render([Ramp(), Flat(0)], imageHeight: 2, imageWidth: 3, columns: 2, scale: 2));

        (image.Width, image.Height, image.Channels).Should().Be((G + 2 * (6 + G), G + 4 + G, 1));
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 6; x++)
            {
                image.At(G + x, G + y).Should().Be(Gray((3 * (y / 2) + x / 2 + 1) / 10f), $"first image at ({x}, {y})");
                image.At(G + 6 + G + x, G + y).Should().Be(0, $"second image at ({x}, {y})");
            }
        byte[] gaps = [image.At(0, 0), image.At(1, 3), image.At(G + 6, 2), image.At(G + 6 + 1, 2), image.At(5, G + 4), image.At(image.Width - 1, image.Height - 1)];
        gaps.Should().AllBeEquivalentTo((byte)255);
    }

    [Fact]
    public void Values_are_clamped_to_0_1_and_nan_is_mid_grey()
    {
        float[] values = [-3f, 1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.5f];

        var image = PngDecoder.Decode(ImageGrid.Render([values], 2, 3, columns: 1, scale: 1));

        byte[] drawn = [image.At(G, G), image.At(G + 1, G), image.At(G + 2, G), image.At(G, G + 1), image.At(G + 1, G + 1), image.At(G + 2, G + 1)];
        drawn.Should().Equal(0, 255, 128, 255, 0, 128);
    }

    [Fact]
    public void Images_wrap_into_rows_of_the_given_column_count()
    {
        var images = Enumerable.Range(0, 5).Select(i => Flat(i / 4f)).ToList();

        var image = PngDecoder.Decode(ImageGrid.Render(images, 2, 3, columns: 3, scale: 1));

        (image.Width, image.Height).Should().Be((G + 3 * (3 + G), G + 2 * (2 + G)));
        image.At(G + 2 * (3 + G), G).Should().Be(Gray(2 / 4f), "image 2 ends the first row");
        image.At(G + 3 + G, G + 2 + G).Should().Be(Gray(1f), "image 4 is second in the second row");
        image.At(G + 2 * (3 + G), G + 2 + G).Should().Be(255, "the last cell stays empty");
    }

    [Fact]
    public void Originals_row_above_reconstructions_row_with_groups_set_apart()
    {
        IReadOnlyList<float[]> originals = [Flat(1), Flat(1)], reconstructions = [Flat(0), Flat(0)];

        var image = PngDecoder.Decode(ImageGrid.RenderRows([originals, reconstructions, originals, reconstructions], 2, 3, scale: 1, rowsPerGroup: 2));

        int pairHeight = 2 * (2 + G);
        (image.Width, image.Height).Should().Be((G + 2 * (3 + G), G + 2 * pairHeight + ImageGrid.GroupGap - G));
        image.At(G, G).Should().Be(255, "an original");
        image.At(G, G + 2 + G).Should().Be(0, "its reconstruction, one row below");
        image.At(G, G + pairHeight).Should().Be(255, "gap between the groups, wider than between rows");
        image.At(G, G + pairHeight + ImageGrid.GroupGap - G).Should().Be(255, "the second pair's original");
        image.At(G, G + pairHeight + ImageGrid.GroupGap + 2).Should().Be(0, "the second pair's reconstruction");
    }

    [Fact]
    public void An_image_of_the_wrong_size_names_its_place()
    {
        FluentActions.Invoking(() => ImageGrid.RenderRows([[Ramp()], [Ramp(), new float[5]]], 2, 3)).Should().Throw<ArgumentException>()
            .WithMessage("image 1 of row 1 has 5 values, expected 2×3 = 6");
        FluentActions.Invoking(() => ImageGrid.Render([], 2, 3, columns: 4)).Should().Throw<ArgumentException>()
            .WithMessage("an image grid needs at least one image");
    }

    [Theory]
    [InlineData(80, 40, 320, 160)]    // a row of digits: 4× so the pixels show
    [InlineData(80, 400, 80, 400)]    // a tall grid of small images: no bigger than about a screen
    [InlineData(1000, 300, 1000, 300)] // already large: as it is
    public void A_report_shows_small_grids_enlarged_but_never_to_several_screens(int width, int height, int shownWidth, int shownHeight)
    {
        byte[] png = Png.Encode(width, height, new byte[width * height]);
        RunFiles.DisplaySize(png).Should().Be((shownWidth, shownHeight));
    }
}
