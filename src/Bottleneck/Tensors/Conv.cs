using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Tensors;

/// <summary>
/// Unfolding an image into the columns a convolution multiplies (im2col) and folding columns
/// back into an image by summation (col2im). The columns of one sample occupy a block of
/// <see cref="ConvGeometry.Positions"/> columns, at <c>offset</c>, in a matrix whose rows are
/// <c>ld</c> apart, so a whole batch can share one matrix and one GEMM.
/// </summary>
public static class Conv
{
    // cols[(c·k + ki)·k + kj, offset + oh·Wo + ow] = x[c, oh·s − p + ki, ow·s − p + kj], or 0 in the padding.
    // Rows here are only 3 to 14 values long, so the loops run on pointers: bounds are checked
    // once, up front, instead of once per value.
    public static unsafe void Im2Col(ReadOnlySpan<float> x, in ConvGeometry g, Span<float> cols, int ld, int offset)
    {
        CheckExtents(x.Length, g, cols.Length, ld, offset);
        int k = g.Kernel, s = g.Stride, p = g.Padding, outWidth = g.OutWidth;
        fixed (float* image = x, matrix = cols)
            for (int c = 0; c < g.Channels; c++)
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++)
                    {
                        float* row = matrix + (long)((c * k + ki) * k + kj) * ld + offset;
                        var (lo, hi) = InsideColumns(g, kj);
                        for (int oh = 0; oh < g.OutHeight; oh++)
                        {
                            float* dst = row + oh * outWidth;
                            int ih = oh * s - p + ki;
                            if ((uint)ih >= (uint)g.Height)
                            {
                                for (int ow = 0; ow < outWidth; ow++) dst[ow] = 0f;
                                continue;
                            }
                            for (int ow = 0; ow < lo; ow++) dst[ow] = 0f;
                            float* src = image + (c * g.Height + ih) * g.Width + (lo * s - p + kj);
                            for (int ow = lo; ow < hi; ow++, src += s) dst[ow] = *src;
                            for (int ow = hi; ow < outWidth; ow++) dst[ow] = 0f;
                        }
                    }
    }

    // x[c, ih, iw] = Σ of the column entries that Im2Col would have read from it (x is overwritten).
    public static unsafe void Col2Im(ReadOnlySpan<float> cols, int ld, int offset, in ConvGeometry g, Span<float> x)
    {
        CheckExtents(x.Length, g, cols.Length, ld, offset);
        int k = g.Kernel, s = g.Stride, p = g.Padding, outWidth = g.OutWidth;
        x[..g.ImageSize].Clear();
        fixed (float* image = x, matrix = cols)
            for (int c = 0; c < g.Channels; c++)
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++)
                    {
                        float* row = matrix + (long)((c * k + ki) * k + kj) * ld + offset;
                        var (lo, hi) = InsideColumns(g, kj);
                        for (int oh = 0; oh < g.OutHeight; oh++)
                        {
                            int ih = oh * s - p + ki;
                            if ((uint)ih >= (uint)g.Height) continue;
                            float* src = row + oh * outWidth;
                            float* dst = image + (c * g.Height + ih) * g.Width + (lo * s - p + kj);
                            for (int ow = lo; ow < hi; ow++, dst += s) *dst += src[ow];
                        }
                    }
    }

    private static void CheckExtents(int imageLength, in ConvGeometry g, int colsLength, int ld, int offset)
    {
        if (imageLength < g.ImageSize) throw new ArgumentException($"image has {imageLength} values, the geometry needs {g.ImageSize}");
        if (ld < g.Positions || offset < 0 || colsLength < (long)(g.PatchSize - 1) * ld + offset + g.Positions)
            throw new ArgumentException($"column matrix too small for {g.PatchSize} rows of {g.Positions} at offset {offset} (ld {ld})");
    }

    // The output columns [lo, hi) whose input column ow·s − p + kj falls inside the image.
    private static (int Lo, int Hi) InsideColumns(in ConvGeometry g, int kj)
    {
        int lo = Math.Max(0, (g.Padding - kj + g.Stride - 1) / g.Stride);
        int hi = Math.Min(g.OutWidth, (g.Width - 1 + g.Padding - kj) / g.Stride + 1);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>
    /// Samples [first, first + count) of x: [B, C, P] into y: [C, B·P], the channel-major layout a
    /// batched GEMM wants.
    /// </summary>
    public static void BatchToChannels(ReadOnlySpan<float> x, int batch, int channels, int positions, Span<float> y, int first, int count)
    {
        for (int b = first; b < first + count; b++)
            for (int c = 0; c < channels; c++)
                x.Slice((b * channels + c) * positions, positions).CopyTo(y.Slice((c * batch + b) * positions, positions));
    }

    /// <summary>Samples [first, first + count) of x: [C, B·P] back into y: [B, C, P], adding bias[c] when given.</summary>
    public static void ChannelsToBatch(ReadOnlySpan<float> x, int batch, int channels, int positions, Span<float> y, int first, int count,
                                       ReadOnlySpan<float> bias = default)
    {
        for (int b = first; b < first + count; b++)
            for (int c = 0; c < channels; c++)
            {
                var src = x.Slice((c * batch + b) * positions, positions);
                var dst = y.Slice((b * channels + c) * positions, positions);
                if (bias.IsEmpty) src.CopyTo(dst);
                else TensorPrimitives.Add(src, bias[c], dst);
            }
    }
}
