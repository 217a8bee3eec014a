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
}
