using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Tensors;

/// <summary>
/// The kernels convolution layers are made of, each a function of its buffers. A batch is unfolded into the
/// columns a convolution multiplies (<see cref="Unfold"/>, im2col), columns are folded back into images by
/// summation (<see cref="Fold"/>, col2im), and activations move between the batch-major layout layers hand
/// each other, [B, C, P], and the channel-major one a batched GEMM wants, [C, B·P]. The columns of sample b
/// occupy columns [b·P, (b+1)·P) of one [C·k·k, B·P] matrix, so a whole batch shares one matrix and one GEMM.
/// Work is shared out in runs of <see cref="SamplesPerChunk"/> samples; weight gradients are summed run by run,
/// in run order, so they are the same bits on any number of threads.
/// </summary>
internal static class Conv
{
    /// <summary>Samples per run: neighbouring samples, whose columns share cache lines, stay on one core.</summary>
    public const int SamplesPerChunk = 16;

    /// <summary>Runs of <see cref="SamplesPerChunk"/> samples of a batch.</summary>
    public static Chunks SampleChunks(int batch) => Chunks.OfSize(batch, SamplesPerChunk);

    /// <summary>cols ← unfold(images): images [B, C, H, W] (the geometry's input side) into cols [C·k·k, B·Ho·Wo].</summary>
    public static void Unfold(Tensor images, in ConvGeometry g, Tensor cols, WorkerPool pool) =>
        pool.For(SampleChunks(images.Rows).Count, new UnfoldJob(images, g, cols));

    /// <summary>images ← fold(cols), summing overlapping windows, then + bias[c] on channel c when a bias is given.</summary>
    public static void Fold(Tensor cols, in ConvGeometry g, Tensor images, WorkerPool pool, Tensor? bias = null) =>
        pool.For(SampleChunks(images.Rows).Count, new FoldJob(cols, g, images, bias));

    /// <summary>y [C, B·P] ← x [B, C, P].</summary>
    public static void ToChannelMajor(Tensor x, Tensor y, WorkerPool pool) =>
        pool.For(SampleChunks(x.Rows).Count, new LayoutJob(x, y, ToChannels: true, Bias: null));

    /// <summary>y [B, C, P] ← x [C, B·P], + bias[c] on channel c when a bias is given.</summary>
    public static void ToBatchMajor(Tensor x, Tensor y, WorkerPool pool, Tensor? bias = null) =>
        pool.For(SampleChunks(y.Rows).Count, new LayoutJob(y, x, ToChannels: false, bias));

    /// <summary>
    /// dW [S, R] += a·bᵀ for a [R, B·P] and b [S, B·P], as a sum over runs of samples: each run's product goes
    /// into its own partial [R, S], and the partials are added into dW in run order.
    /// </summary>
    public static void WeightGradient(Tensor a, Tensor b, int batch, float[][] partials, Tensor dW, WorkerPool pool)
    {
        var chunks = SampleChunks(batch);
        pool.For(chunks.Count, new WeightGradientJob(a, b, batch, partials));
        for (int c = 0; c < chunks.Count; c++) Elementwise.AddTransposed(partials[c], a.Rows, b.Rows, dW.Span);
    }

    /// <summary>
    /// sums[c] += Σ of row c of a channel-major x [C, N], one float SIMD sum per row. (Conv2d has this layout
    /// of its output gradient at hand; ConvTranspose2d, which has not, uses <see cref="AddChannelSums"/>.)
    /// </summary>
    public static void AddRowSums(Tensor x, Tensor sums, WorkerPool pool) => pool.For(x.Rows, new RowSumJob(x, sums));

    /// <summary>sums[c] += Σ_b Σ_p x[b, c, p] of a batch-major x [B, C, P], sample by sample in double.</summary>
    public static void AddChannelSums(Tensor x, Tensor sums, WorkerPool pool) => pool.For(sums.Length, new ChannelSumJob(x, sums));

    private readonly struct UnfoldJob(Tensor images, ConvGeometry g, Tensor cols) : IParallelJob
    {
        public void Run(int chunk)
        {
            var (first, count) = SampleChunks(images.Rows)[chunk];
            for (int b = first; b < first + count; b++) Im2Col(images.Row(b), g, cols.Data, images.Rows * g.Positions, b * g.Positions);
        }
    }

    private readonly struct FoldJob(Tensor cols, ConvGeometry g, Tensor images, Tensor? bias) : IParallelJob
    {
        public void Run(int chunk)
        {
            var (first, count) = SampleChunks(images.Rows)[chunk];
            int plane = g.Height * g.Width;
            for (int b = first; b < first + count; b++)
            {
                var image = images.Row(b);
                Col2Im(cols.Data, images.Rows * g.Positions, b * g.Positions, g, image);
                if (bias is null) continue;
                // While the image is in cache.
                for (int c = 0; c < g.Channels; c++)
                {
                    var channel = image.Slice(c * plane, plane);
                    TensorPrimitives.Add(channel, bias[c], channel);
                }
            }
        }
    }

    // Between batchMajor [B, C, P] and channelMajor [C, B·P], in the direction asked.
    private readonly record struct LayoutJob(Tensor BatchMajor, Tensor ChannelMajor, bool ToChannels, Tensor? Bias) : IParallelJob
    {
        public void Run(int chunk)
        {
            int batch = BatchMajor.Rows, channels = ChannelMajor.Rows, positions = BatchMajor.RowSize / channels;
            var (first, count) = SampleChunks(batch)[chunk];
            for (int b = first; b < first + count; b++)
                for (int c = 0; c < channels; c++)
                {
                    var sample = BatchMajor.Data.AsSpan((b * channels + c) * positions, positions);
                    var channel = ChannelMajor.Data.AsSpan((c * batch + b) * positions, positions);
                    if (ToChannels) sample.CopyTo(channel);
                    else if (Bias is null) channel.CopyTo(sample);
                    else TensorPrimitives.Add(channel, Bias[c], sample);
                }
        }
    }

    private readonly struct WeightGradientJob(Tensor a, Tensor b, int batch, float[][] partials) : IParallelJob
    {
        public void Run(int chunk)
        {
            var (first, count) = SampleChunks(batch)[chunk];
            int positions = a.RowSize / batch, width = batch * positions, offset = first * positions;
            Gemm.Multiply(new Matrix(a.Data.AsSpan(offset), a.Rows, count * positions, width),
                          new Matrix(b.Data.AsSpan(offset), b.Rows, count * positions, width).T,
                          new Matrix(partials[chunk], a.Rows, b.Rows), WorkerPool.Serial);
        }
    }

    private readonly struct RowSumJob(Tensor x, Tensor sums) : IParallelJob
    {
        public void Run(int row) => sums[row] += TensorPrimitives.Sum(x.Row(row));
    }

    private readonly struct ChannelSumJob(Tensor x, Tensor sums) : IParallelJob
    {
        public void Run(int channel)
        {
            int channels = sums.Length, positions = x.RowSize / channels;
            double total = 0;
            for (int b = 0; b < x.Rows; b++) total += TensorPrimitives.Sum(x.Data.AsSpan((b * channels + channel) * positions, positions));
            sums[channel] += (float)total;
        }
    }

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
}
