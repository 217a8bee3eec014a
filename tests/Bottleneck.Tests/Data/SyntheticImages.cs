using SkiaSharp;

namespace Bottleneck.Tests.Data;

/// <summary>Image files made in a test with SkiaSharp, for the image-folder reader and the commands that use it.</summary>
public static class SyntheticImages
{
    /// <summary>A width×height image of one colour, written as PNG or JPEG.</summary>
    public static void Write(string path, int width, int height, SKColor colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bitmap.Erase(colour);
        var format = path.EndsWith(".png", StringComparison.Ordinal) ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        using var data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>
    /// An image folder of two classes (root/train/red, root/train/blue, root/test/…) of size×size PNGs: reds and blues of
    /// random brightness, <paramref name="train"/> and <paramref name="test"/> images per class.
    /// </summary>
    public static void RedAndBlue(string root, int train, int test, int size, int seed)
    {
        var random = new Random(seed);
        foreach (var split in new[] { "train", "test" })
            foreach (var label in new[] { "red", "blue" })
                for (int i = 0; i < (split == "train" ? train : test); i++)
                    Write(Path.Combine(root, split, label, $"{i}.png"), size, size,
                        label == "red" ? new SKColor((byte)random.Next(150, 256), 20, 20) : new SKColor(20, 20, (byte)random.Next(150, 256)));
    }
}
