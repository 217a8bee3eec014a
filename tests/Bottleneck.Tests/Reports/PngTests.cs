using Bottleneck.Reports;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

public class PngTests
{
    [Fact]
    public void Independent_crc_gives_the_standard_check_value() =>
        PngDecoder.BitwiseCrc32("123456789"u8).Should().Be(0xCBF43926);

    [Fact]
    public void Grayscale_pixels_survive_encoding_exactly()
    {
        const int width = 37, height = 5; // a width that is no multiple of 4 or 8
        var pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 256);

        var image = PngDecoder.Decode(Png.Encode(width, height, pixels));

        (image.Width, image.Height, image.Channels).Should().Be((width, height, 1));
        image.Pixels.Should().Equal(pixels);
        image.Chunks.Should().Equal("IHDR", "IDAT", "IEND");
    }

    [Fact]
    public void Rgb_pixels_survive_encoding_exactly_in_channel_order()
    {
        byte[] pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];

        var image = PngDecoder.Decode(Png.Encode(2, 2, pixels, rgb: true));

        (image.Width, image.Height, image.Channels).Should().Be((2, 2, 3));
        image.Pixels.Should().Equal(pixels);
        (image.At(1, 1, 0), image.At(1, 1, 1), image.At(1, 1, 2)).Should().Be(((byte)10, (byte)20, (byte)30));
    }

    [Fact]
    public void File_ends_with_the_standard_iend_chunk()
    {
        byte[] png = Png.Encode(1, 1, [42]);
        png[^12..].Should().Equal([0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82]);
    }

    [Fact]
    public void Wrong_pixel_count_says_what_the_image_needs()
    {
        FluentActions.Invoking(() => Png.Encode(4, 3, new byte[12], rgb: true)).Should().Throw<ArgumentException>()
            .WithMessage("a 4×3 RGB image needs 36 bytes, got 12");
        FluentActions.Invoking(() => Png.Encode(0, 3, [])).Should().Throw<ArgumentException>()
            .WithMessage("a PNG image is at least 1×1 pixels, not 0×3");
    }
}
