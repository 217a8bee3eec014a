namespace Bottleneck.Tensors;

/// <summary>
/// A k×k window sliding with a stride over a zero-padded C×H×W image, giving Ho×Wo positions.
/// Conv2d reads its input through it; ConvTranspose2d is the same map run backwards, with
/// its output image as the H×W side.
/// </summary>
internal readonly record struct ConvGeometry(int Channels, int Height, int Width, int Kernel, int Stride, int Padding, int OutHeight, int OutWidth)
{
    /// <summary>Rows of the unfolded matrix: one per (channel, kernel row, kernel column).</summary>
    public int PatchSize => Channels * Kernel * Kernel;
    public int Positions => OutHeight * OutWidth;
    public int ImageSize => Channels * Height * Width;

    /// <summary>The geometry of a convolution over an H×W input: Ho = ⌊(H + 2p − k)/s⌋ + 1.</summary>
    public static ConvGeometry ForInput(int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1;
        int outWidth = (width + 2 * padding - kernel) / stride + 1;
        if (height + 2 * padding < kernel || width + 2 * padding < kernel)
            throw new ArgumentException($"a {kernel}×{kernel} kernel does not fit a {height}×{width} input with padding {padding}");
        return new ConvGeometry(channels, height, width, kernel, stride, padding, outHeight, outWidth);
    }
}
