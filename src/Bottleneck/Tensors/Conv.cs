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
    public static void Im2Col(ReadOnlySpan<float> x, in ConvGeometry g, Span<float> cols, int ld, int offset)
    {
        int k = g.Kernel, s = g.Stride, p = g.Padding;
        for (int c = 0; c < g.Channels; c++)
            for (int ki = 0; ki < k; ki++)
                for (int kj = 0; kj < k; kj++)
                {
                    var row = cols.Slice(((c * k + ki) * k + kj) * ld + offset, g.Positions);
                    var (lo, hi) = InsideColumns(g, kj);
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        var dst = row.Slice(oh * g.OutWidth, g.OutWidth);
                        int ih = oh * s - p + ki;
                        if ((uint)ih >= (uint)g.Height || lo >= hi)
                        {
                            dst.Clear();
                            continue;
                        }
                        dst[..lo].Clear();
                        dst[hi..].Clear();
                        var src = x.Slice((c * g.Height + ih) * g.Width, g.Width);
                        int iw = lo * s - p + kj;
                        if (s == 1) src.Slice(iw, hi - lo).CopyTo(dst[lo..hi]);
                        else for (int ow = lo; ow < hi; ow++, iw += s) dst[ow] = src[iw];
                    }
                }
    }

    // x[c, ih, iw] = Σ of the column entries that Im2Col would have read from it (x is overwritten).
    public static void Col2Im(ReadOnlySpan<float> cols, int ld, int offset, in ConvGeometry g, Span<float> x)
    {
        int k = g.Kernel, s = g.Stride, p = g.Padding;
        x[..g.ImageSize].Clear();
        for (int c = 0; c < g.Channels; c++)
            for (int ki = 0; ki < k; ki++)
                for (int kj = 0; kj < k; kj++)
                {
                    var row = cols.Slice(((c * k + ki) * k + kj) * ld + offset, g.Positions);
                    var (lo, hi) = InsideColumns(g, kj);
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        int ih = oh * s - p + ki;
                        if ((uint)ih >= (uint)g.Height) continue;
                        var src = row.Slice(oh * g.OutWidth, g.OutWidth);
                        var dst = x.Slice((c * g.Height + ih) * g.Width, g.Width);
                        int iw = lo * s - p + kj;
                        for (int ow = lo; ow < hi; ow++, iw += s) dst[iw] += src[ow];
                    }
                }
    }

    // The output columns [lo, hi) whose input column ow·s − p + kj falls inside the image.
    private static (int Lo, int Hi) InsideColumns(in ConvGeometry g, int kj)
    {
        int lo = Math.Max(0, (g.Padding - kj + g.Stride - 1) / g.Stride);
        int hi = Math.Min(g.OutWidth, (g.Width - 1 + g.Padding - kj) / g.Stride + 1);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>[B, C, P] ⇄ [C, B·P]: batch-major activations to the channel-major layout a batched GEMM wants.</summary>
    public static void BatchToChannels(ReadOnlySpan<float> x, int batch, int channels, int positions, Span<float> y)
    {
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
                x.Slice((b * channels + c) * positions, positions).CopyTo(y.Slice((c * batch + b) * positions, positions));
    }

    public static void ChannelsToBatch(ReadOnlySpan<float> x, int batch, int channels, int positions, Span<float> y)
    {
        for (int c = 0; c < channels; c++)
            for (int b = 0; b < batch; b++)
                x.Slice((c * batch + b) * positions, positions).CopyTo(y.Slice((b * channels + c) * positions, positions));
    }
}
