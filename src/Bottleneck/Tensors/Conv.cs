using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Tensors;

/// <summary>
/// The kernels convolution layers are made of, each a function of its buffers. Images are unfolded into the
/// columns a convolution multiplies (<see cref="Im2Col"/>), columns are folded back into images by summation
/// (<see cref="Col2Im"/>), and activations move between the batch-major layout layers hand each other,
/// [B, C, P], and the channel-major one a GEMM over many samples wants. Work is shared out in runs of
/// <see cref="SamplesPerChunk"/> samples, and each pass does all its steps for one run before the next
/// (unfold, multiply, copy out) in blocks that belong to the thread, a contiguous [rows, run·P] matrix each, which stay
/// in the core's cache from one run to the next. No block outlives its run: backward unfolds the layer's input once
/// more rather than keeping a whole batch's columns from forward, because a batch's columns (3.6 MB for the lab model's
/// second convolution at batch 256, 13 MB over its six) went out to memory and came back at about half the speed the
/// same kernels reach in cache (measured: a forward pass with caches flushed first costs what it costs in training).
/// Weight and bias gradients are summed run by run, in run order, so they are the same bits on any number of threads.
/// Where a layer has one input channel (forward), and where a fold of Wᵀ·z has vector rows (a transposed forward, a
/// convolution's input gradient), the product is made in registers where it is used, in the GEMM's order, and no columns
/// are written at all. An activation that follows a layer can run at the end of each run's forward job and the start of
/// its backward job (<see cref="FusedActivation"/>).
/// </summary>
internal static class Conv
{
    /// <summary>Samples per run: neighbouring samples, whose columns share cache lines, stay on one core.</summary>
    public const int SamplesPerChunk = 16;

    /// <summary>Runs of <see cref="SamplesPerChunk"/> samples of a batch.</summary>
    public static Chunks SampleChunks(int batch) => Chunks.OfSize(batch, SamplesPerChunk);

    /// <summary>
    /// Conv2d's forward pass: y [B, Cout, P] = W [Cout, C·k·k] · unfold(x) + b. Run by run, the run's columns are unfolded,
    /// multiplied into a channel-major [Cout, run·P] block, and copied with the bias into y while still in cache.
    /// </summary>
    public static void Convolve(Tensor x, in ConvGeometry g, Tensor weight, Tensor? bias, Tensor y, WorkerPool pool, FusedActivation? activation = null) =>
        pool.For(SampleChunks(x.Rows).Count, new ConvolveJob(x, g, weight, bias, y, activation));

    /// <summary>
    /// Conv2d's backward pass: run by run, dy goes channel-major into a block (its per-channel sums into the run's
    /// biasPartials, when given), x is unfolded again, the run's weight gradient dy·colsᵀ goes into its partial, and, when
    /// dx is wanted, Wᵀ·dy (overwriting the columns, or sample by sample in registers where the fold has vector rows) folds
    /// into dx. The caller adds the partials in run order
    /// (<see cref="AddPartials"/>, <see cref="AddBiasPartials"/>).
    /// </summary>
    /// <remarks>When a profile is taken, split gets the ticks each run's weight gradient and input gradient took, at [2·run] and [2·run + 1].</remarks>
    public static void ConvolveBackward(Tensor x, Tensor dy, in ConvGeometry g, Tensor weight, float[][] partials, float[][]? biasPartials, Tensor? dx, WorkerPool pool,
                                        long[]? split = null, FusedActivation? activation = null) =>
        pool.For(SampleChunks(dy.Rows).Count, new ConvolveBackwardJob(x, dy, g, weight, partials, biasPartials, dx, split, activation));

    /// <summary>
    /// ConvTranspose2d's forward pass: y = fold(Wᵀ·x) + b, with x [B, Cin, H·W] and W [Cin, Cout·k·k]. Run by run, x goes
    /// channel-major into a block, Wᵀ·x into the run's columns, and the columns fold into y; where the fold has vector rows,
    /// each sample's products are made in registers and folded from there instead.
    /// </summary>
    public static void Transpose(Tensor x, in ConvGeometry g, Tensor weight, Tensor? bias, Tensor y, WorkerPool pool, FusedActivation? activation = null) =>
        pool.For(SampleChunks(x.Rows).Count, new TransposeJob(x, g, weight, bias, y, activation));

    /// <summary>
    /// ConvTranspose2d's backward pass: run by run, dy unfolds into columns, x goes channel-major into a block, the run's
    /// weight gradient x·colsᵀ goes into its partial, and, when dx is wanted, W·cols (overwriting x's block) is copied into dx.
    /// </summary>
    /// <remarks>A profile's split is kept as <see cref="ConvolveBackward"/> keeps it.</remarks>
    public static void TransposeBackward(Tensor x, Tensor dy, in ConvGeometry g, Tensor weight, float[][] partials, Tensor? dx, WorkerPool pool,
                                         long[]? split = null, FusedActivation? activation = null) =>
        pool.For(SampleChunks(dy.Rows).Count, new TransposeBackwardJob(x, dy, g, weight, partials, dx, split, activation));

    /// <summary>dW += Σ over runs, in run order, of the partials the backward passes left, each in dW's layout.</summary>
    public static void AddPartials(float[][] partials, int batch, Tensor dW)
    {
        int chunks = SampleChunks(batch).Count;
        for (int c = 0; c < chunks; c++) TensorPrimitives.Add(dW.Span, partials[c].AsSpan(0, dW.Length), dW.Span);
    }

    /// <summary>sums[c] += Σ over runs, in run order and in double, of the runs' per-channel sums that <see cref="ConvolveBackward"/> left.</summary>
    public static void AddBiasPartials(float[][] biasPartials, int batch, Tensor sums)
    {
        int chunks = SampleChunks(batch).Count;
        for (int c = 0; c < sums.Length; c++)
        {
            double total = 0;
            for (int run = 0; run < chunks; run++) total += biasPartials[run][c];
            sums[c] += (float)total;
        }
    }

    /// <summary>sums[c] += Σ_b Σ_p x[b, c, p] of a batch-major x [B, C, P], sample by sample in double.</summary>
    public static void AddChannelSums(Tensor x, Tensor sums, WorkerPool pool) => pool.For(sums.Length, new ChannelSumJob(x, sums));

    // A thread's block for a run of `count` samples: a [rows, count·P] matrix over the thread's buffer in `slot`.
    private static Matrix Block(ref float[]? slot, int rows, int count, int positions) =>
        new(Scratch(ref slot, rows * count * positions), rows, count * positions);

    // Each thread's blocks: the columns of a run, and a run's activation (or gradient) channel-major. Grown as needed and
    // kept, so a steady training step allocates nothing.
    [ThreadStatic] private static float[]? t_cols;
    [ThreadStatic] private static float[]? t_channelMajor;

    private readonly struct ConvolveJob(Tensor x, ConvGeometry g, Tensor weight, Tensor? bias, Tensor y, FusedActivation? activation) : IParallelJob
    {
        public void Run(int chunk)
        {
            int p = g.Positions, outChannels = weight.Rows;
            var (first, count) = SampleChunks(x.Rows)[chunk];
            if (ConvolvesInRegisters(g))
            {
                for (int b = first; b < first + count; b++) ConvolveInRegisters(x.Row(b), g, weight, bias, y.Row(b));  // y = W·unfold(x) + b
                activation?.Forward(first, count);                                                                  // z = f(y)
                return;
            }
            var cols = Block(ref t_cols, g.PatchSize, count, p);
            for (int b = first; b < first + count; b++) Im2Col(x.Row(b), g, cols.Data, count * p, (b - first) * p);  // cols = unfold(x)
            var output = Block(ref t_channelMajor, outChannels, count, p);
            Gemm.Multiply(new Matrix(weight.Data, outChannels, g.PatchSize), cols, output, WorkerPool.Serial);     // [Cout, run·P] = W·cols
            Scatter(output, y, first, count, bias);                                                               // y = that + b
            activation?.Forward(first, count);                                                                    // z = f(y)
        }
    }

    private readonly struct ConvolveBackwardJob(Tensor x, Tensor dy, ConvGeometry g, Tensor weight, float[][] partials, float[][]? biasPartials, Tensor? dx,
                                                long[]? split, FusedActivation? activation) : IParallelJob
    {
        public void Run(int chunk)
        {
            long started = split is null ? 0 : Stopwatch.GetTimestamp();
            int p = g.Positions, outChannels = weight.Rows;
            var (first, count) = SampleChunks(dy.Rows)[chunk];
            activation?.Backward(dy, first, count);                                                                 // dy = f′·dz
            var gradient = Block(ref t_channelMajor, outChannels, count, p);
            Gather(dy, gradient, first, count);                                                                      // dy as [Cout, run·P]
            if (biasPartials is not null)
                for (int c = 0; c < outChannels; c++) biasPartials[chunk][c] = TensorPrimitives.Sum(gradient.Data.Slice(c * count * p, count * p));
            var cols = Block(ref t_cols, g.PatchSize, count, p);
            for (int b = first; b < first + count; b++) Im2Col(x.Row(b), g, cols.Data, count * p, (b - first) * p);  // cols = unfold(x) again
            Gemm.Multiply(gradient, cols.T, new Matrix(partials[chunk], outChannels, g.PatchSize), WorkerPool.Serial); // partial = dy·colsᵀ
            long weighed = Lap(split, 2 * chunk, started);
            if (dx is null) return;
            if (FoldsProducts(g, outChannels))
                for (int b = first; b < first + count; b++) FoldProducts(dy.Row(b), g, weight, bias: null, dx.Row(b));   // dx = fold(Wᵀ·dy)
            else
            {
                Gemm.Multiply(new Matrix(weight.Data, outChannels, g.PatchSize).T, gradient, cols, WorkerPool.Serial);  // dcols = Wᵀ·dy
                for (int b = first; b < first + count; b++) Col2Im(cols.Data, count * p, (b - first) * p, g, dx.Row(b)); // dx = fold(dcols)
            }
            Lap(split, 2 * chunk + 1, weighed);
        }
    }

    private readonly struct TransposeJob(Tensor x, ConvGeometry g, Tensor weight, Tensor? bias, Tensor y, FusedActivation? activation) : IParallelJob
    {
        public void Run(int chunk)
        {
            int p = g.Positions, inChannels = weight.Rows;
            var (first, count) = SampleChunks(x.Rows)[chunk];
            if (FoldsProducts(g, inChannels))
            {
                for (int b = first; b < first + count; b++) FoldProducts(x.Row(b), g, weight, bias, y.Row(b));  // y = fold(Wᵀ·x) + b
                activation?.Forward(first, count);                                                                  // z = f(y)
                return;
            }
            var input = Block(ref t_channelMajor, inChannels, count, p);
            Gather(x, input, first, count);                                                                         // x as [Cin, run·H·W]
            var cols = Block(ref t_cols, g.PatchSize, count, p);
            Gemm.Multiply(new Matrix(weight.Data, inChannels, g.PatchSize).T, input, cols, WorkerPool.Serial);     // cols = Wᵀ·x
            for (int b = first; b < first + count; b++) FoldWithBias(cols.Data, count * p, (b - first) * p, g, y.Row(b), bias); // y = fold(cols) + b
            activation?.Forward(first, count);                                                                      // z = f(y)
        }
    }

    private readonly struct TransposeBackwardJob(Tensor x, Tensor dy, ConvGeometry g, Tensor weight, float[][] partials, Tensor? dx,
                                                 long[]? split, FusedActivation? activation) : IParallelJob
    {
        public void Run(int chunk)
        {
            long started = split is null ? 0 : Stopwatch.GetTimestamp();
            int p = g.Positions, inChannels = weight.Rows;
            var (first, count) = SampleChunks(dy.Rows)[chunk];
            activation?.Backward(dy, first, count);                                                                  // dy = f′·dz
            var cols = Block(ref t_cols, g.PatchSize, count, p);
            for (int b = first; b < first + count; b++) Im2Col(dy.Row(b), g, cols.Data, count * p, (b - first) * p); // dcols = unfold(dy)
            var input = Block(ref t_channelMajor, inChannels, count, p);
            Gather(x, input, first, count);                                                                          // x as [Cin, run·H·W]
            Gemm.Multiply(input, cols.T, new Matrix(partials[chunk], inChannels, g.PatchSize), WorkerPool.Serial);    // partial = x·dcolsᵀ
            long weighed = Lap(split, 2 * chunk, started);
            if (dx is null) return;
            Gemm.Multiply(new Matrix(weight.Data, inChannels, g.PatchSize), cols, input, WorkerPool.Serial);          // [Cin, run·H·W] = W·dcols
            Scatter(input, dx, first, count, bias: null);                                                            // dx
            Lap(split, 2 * chunk + 1, weighed);
        }
    }

    // Adds the ticks since `since` at split[slot] when a profile is taken; the time now, to lap from.
    private static long Lap(long[]? split, int slot, long since)
    {
        if (split is null) return 0;
        long now = Stopwatch.GetTimestamp();
        split[slot] += now - since;
        return now;
    }

    // Samples [first, first + count) of a batch-major [B, C, P] into a run's channel-major block [C, count·P].
    private static unsafe void Gather(Tensor batchMajor, Matrix block, int first, int count)
    {
        int channels = block.Rows, positions = batchMajor.RowSize / channels;
        fixed (float* source = batchMajor.Data, target = block.Data)
            for (int b = first; b < first + count; b++)
                for (int c = 0; c < channels; c++)
                    CopyRow(source + (long)(b * channels + c) * positions, target + (long)(c * count + b - first) * positions, positions);
    }

    // The reverse of Gather, + bias[c] on channel c when a bias is given.
    private static unsafe void Scatter(Matrix block, Tensor batchMajor, int first, int count, Tensor? bias)
    {
        int channels = block.Rows, positions = batchMajor.RowSize / channels;
        fixed (float* source = block.Data, target = batchMajor.Data)
            for (int b = first; b < first + count; b++)
                for (int c = 0; c < channels; c++)
                {
                    float* channel = source + (long)(c * count + b - first) * positions, sample = target + (long)(b * channels + c) * positions;
                    if (bias is null) CopyRow(channel, sample, positions);
                    else AddToRow(channel, bias[c], sample, positions);
                }
    }

    // dst[i] = src[i] for n values. Conv moves about 1,300 rows of 3 to 196 values per sample and step (padding,
    // folding out, and the layout changes), and a call to memmove for each took a tenth of a training step (perf of the
    // published command); whole vectors and one masked vector for the rest do the same copy inline.
    private static unsafe void CopyRow(float* src, float* dst, int n)
    {
        if (!Avx512F.IsSupported)
        {
            new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(dst, n));
            return;
        }
        int i = 0;
        for (; i + Vector512<float>.Count <= n; i += Vector512<float>.Count) Vector512.Store(Vector512.Load(src + i), dst + i);
        if (i == n) return;
        var keep = FirstLanes(n - i);
        Avx512F.MaskStore(dst + i, keep, Avx512F.MaskLoad(src + i, keep, Vector512<float>.Zero));
    }

    // dst[i] = src[i] + value for n values, as CopyRow moves them (the same sums as TensorPrimitives.Add, value by value).
    private static unsafe void AddToRow(float* src, float value, float* dst, int n)
    {
        if (!Avx512F.IsSupported)
        {
            TensorPrimitives.Add(new ReadOnlySpan<float>(src, n), value, new Span<float>(dst, n));
            return;
        }
        var add = Vector512.Create(value);
        int i = 0;
        for (; i + Vector512<float>.Count <= n; i += Vector512<float>.Count) Vector512.Store(Vector512.Load(src + i) + add, dst + i);
        if (i == n) return;
        var keep = FirstLanes(n - i);
        Avx512F.MaskStore(dst + i, keep, Avx512F.MaskLoad(src + i, keep, Vector512<float>.Zero) + add);
    }

    // A mask of the first `count` lanes (count ≤ 16).
    private static Vector512<float> FirstLanes(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    // One sample's columns (at offset in a block ld wide) folded into its image, then + bias[c] on channel c while the image is in cache.
    private static void FoldWithBias(Span<float> cols, int ld, int offset, in ConvGeometry g, Span<float> image, Tensor? bias)
    {
        Col2Im(cols, ld, offset, g, image);
        if (bias is null) return;
        int plane = g.Height * g.Width;
        for (int c = 0; c < g.Channels; c++)
        {
            var channel = image.Slice(c * plane, plane);
            TensorPrimitives.Add(channel, bias[c], channel);
        }
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
    // Copying window by window runs loops only Wo (3 to 14) values long, whose set-up costs more than the copy.
    // With AVX-512, a channel of under 64 values with under 16 outputs is held in registers and picked from (PickWindows).
    // With stride 1 or 2 and 4 < Wo ≤ 16 (VectorRows), each image row a kernel row reads is one or two masked vector loads
    // straight from the image (zeros where the windows hang over the border), and each of the k windows takes its output
    // row from them by a permute that keeps every s-th value and a masked store of Wo values (two output rows at a time
    // where they fit one vector: PairedKernelRows). Otherwise the image is copied once into a zero-bordered plane (with room to
    // read a vector past its end), so no read needs a bounds or padding test, and each of the k·k rows of a channel is
    // gathered through a table of offsets into the plane (the same for every channel and sample), 8 values per AVX2 gather.
    public static unsafe void Im2Col(ReadOnlySpan<float> x, in ConvGeometry g, Span<float> cols, int ld, int offset)
    {
        CheckExtents(x.Length, g, cols.Length, ld, offset);
        int k = g.Kernel, windows = k * k, positions = g.Positions;
        if (SmallPlane(g))
        {
            fixed (float* image = x, matrix = cols)
            fixed (int* picks = SmallPlaneTables(g).Picks)
                for (int c = 0; c < g.Channels; c++)
                    PickWindows(image + c * g.Height * g.Width, g, picks, matrix + (long)c * windows * ld + offset, ld);
            return;
        }
        if (VectorRows(g))
        {
            bool paired = PairedRows(g);
            fixed (float* image = x, matrix = cols)
                for (int c = 0; c < g.Channels; c++)
                    if (paired) PairedKernelRows(image + c * g.Height * g.Width, g, matrix + (long)c * windows * ld + offset, ld);
                    else KernelRows(image + c * g.Height * g.Width, g, matrix + (long)c * windows * ld + offset, ld);
            return;
        }
        int plane = PaddedPlane(g);
        var padded = Pad(x, g);
        var offsets = Offsets(g);
        fixed (float* image = padded, matrix = cols)
        fixed (int* table = offsets)
            for (int c = 0; c < g.Channels; c++)
            {
                float* channel = image + c * plane;
                for (int r = 0; r < windows; r++)
                {
                    float* row = matrix + (long)(c * windows + r) * ld + offset;
                    int* at = table + r * positions;
                    int pos = 0;
                    if (Avx2.IsSupported)
                        for (; pos + 8 <= positions; pos += 8) Avx.Store(row + pos, Avx2.GatherVector256(channel, Avx.LoadVector256(at + pos), 4));
                    for (; pos < positions; pos++) row[pos] = channel[at[pos]];
                }
            }
    }

    // The k·k window rows of one channel of the unpadded image (rows ld apart): for each output row oh and kernel row ki, the
    // two vectors of image row oh·s + ki − p from column −p are loaded once, and window (ki, kj) takes its Wo values s apart
    // from column kj − p by one permute and a masked store. Masked loads read only columns inside the image and give zeros
    // for the padding (lanes masked off neither fault nor read), and a row of the padding is a row of zeros, so the image
    // needs no padded copy.
    private static unsafe void KernelRows(float* channel, in ConvGeometry g, float* rows, int ld)
    {
        int shift = -g.Padding, lanes = Vector512<float>.Count;
        var keep = FirstLanes(g.OutWidth);
        var column = Vector512<int>.Indices + Vector512.Create(shift);
        var (inside, insideHigh) = (Inside(column, g.Width), Inside(column + Vector512.Create(lanes), g.Width));
        var pick = Vector512<int>.Indices * g.Stride;
        for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ki = 0; ki < g.Kernel; ki++)
            {
                int ih = oh * g.Stride + ki - g.Padding;
                bool padding = ih < 0 || ih >= g.Height;
                float* src = channel + ih * g.Width + shift;
                var low = padding ? Vector512<float>.Zero : Avx512F.MaskLoad(src, inside, Vector512<float>.Zero);
                var high = padding ? Vector512<float>.Zero : Avx512F.MaskLoad(src + lanes, insideHigh, Vector512<float>.Zero);
                WindowRows(rows + (long)ki * g.Kernel * ld + oh * g.OutWidth, ld, g.Kernel, keep, low, pick, high);
            }
    }

    // The k windows (ki, kj) of one kernel row: window kj's values are lanes pick + kj of the two vectors low and high (one
    // permute), stored at target + kj·ld under keep. Spelled out for the 3×3 kernels of the lab model, where the loop's
    // index arithmetic cost more than the permutes and stores (Im2Col of a run of 16 samples, one core: 8 × 14×14 at stride 2
    // 6.9 → 5.2 µs, 1 × 28×28 2.7 → 2.1 µs, with a channel's k·k rows in one call rather than k calls).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void WindowRows(float* target, int ld, int k, Vector512<float> keep, Vector512<float> low, Vector512<int> pick, Vector512<float> high)
    {
        if (k == 3)
        {
            Avx512F.MaskStore(target, keep, Avx512F.PermuteVar16x32x2(low, pick, high));
            Avx512F.MaskStore(target + ld, keep, Avx512F.PermuteVar16x32x2(low, pick + Vector512<int>.One, high));
            Avx512F.MaskStore(target + 2 * (long)ld, keep, Avx512F.PermuteVar16x32x2(low, pick + Vector512.Create(2), high));
            return;
        }
        for (int kj = 0; kj < k; kj++)
            Avx512F.MaskStore(target + (long)kj * ld, keep, Avx512F.PermuteVar16x32x2(low, pick + Vector512.Create(kj), high));
    }

    // Where two output rows of Wo values fit one vector and one vector of an image row, from column −p, holds every value a
    // kernel row's windows read from it (k − 1 + s·(Wo − 1) < 16): the lab model's second convolution, Wo = 7 at stride 2.
    private static bool PairedRows(in ConvGeometry g) =>
        2 * g.OutWidth <= Vector512<float>.Count && g.Kernel - 1 + g.Stride * (g.OutWidth - 1) < Vector512<float>.Count;

    // The k·k window rows of one channel (rows ld apart) when PairedRows: for each kernel row ki, image rows for output rows
    // oh and oh + 1 are loaded once, and each window (ki, kj) takes its two output rows from them in one permute and one
    // store. A window row at a time took two loads, a permute and a store of 7 useful lanes for each output row, for each kj.
    private static unsafe void PairedKernelRows(float* channel, in ConvGeometry g, float* rows, int ld)
    {
        int shift = -g.Padding, wo = g.OutWidth;
        var inside = Inside(Vector512<int>.Indices + Vector512.Create(shift), g.Width);
        // For kj = 0: lane j < Wo takes value s·j of the first row's vector, lane Wo + j value s·j of the second's (index
        // 16 + s·j); window kj reads kj columns further on.
        var lane = Vector512<int>.Indices;
        var pick = Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create(wo)), lane * g.Stride,
                                               Vector512.Create(Vector512<float>.Count) + (lane - Vector512.Create(wo)) * g.Stride);
        var both = Vector512.LessThan(lane, Vector512.Create(2 * wo)).AsSingle();
        var one = Vector512.LessThan(lane, Vector512.Create(wo)).AsSingle();
        for (int oh = 0; oh < g.OutHeight; oh += 2)
        {
            bool pair = oh + 1 < g.OutHeight;
            var keep = pair ? both : one;
            for (int ki = 0; ki < g.Kernel; ki++)
            {
                var first = ImageRow(channel, g, oh * g.Stride + ki - g.Padding, shift, inside);
                var second = pair ? ImageRow(channel, g, (oh + 1) * g.Stride + ki - g.Padding, shift, inside) : Vector512<float>.Zero;
                WindowRows(rows + (long)ki * g.Kernel * ld + oh * wo, ld, g.Kernel, keep, first, pick, second);
            }
        }
    }

    // 16 values of image row ih from column `shift`, zeros outside the image.
    private static unsafe Vector512<float> ImageRow(float* channel, in ConvGeometry g, int ih, int shift, Vector512<float> inside) =>
        ih < 0 || ih >= g.Height ? Vector512<float>.Zero : Avx512F.MaskLoad(channel + ih * g.Width + shift, inside, Vector512<float>.Zero);

    // Lanes whose column lies in [0, width).
    private static Vector512<float> Inside(Vector512<int> column, int width) =>
        (Vector512.GreaterThanOrEqual(column, Vector512<int>.Zero) & Vector512.LessThan(column, Vector512.Create(width))).AsSingle();

    // x[c, ih, iw] = Σ of the column entries that Im2Col would have read from it (x is overwritten): the same walk
    // run the other way. Small planes are summed in registers (SpreadWindows); with Im2Col's vector rows, image row by image
    // row in registers (FoldRow), adding the zeros a permute puts between values, which changes nothing; otherwise into a
    // zero-bordered plane whose inside is then x, walking the table one value at a time. Each way, each value of x
    // receives its terms in the order (channel row, window, position), as a window-by-window fold adds them, so all give
    // the same bits.
    public static unsafe void Col2Im(ReadOnlySpan<float> cols, int ld, int offset, in ConvGeometry g, Span<float> x)
    {
        CheckExtents(x.Length, g, cols.Length, ld, offset);
        int k = g.Kernel, windows = k * k, positions = g.Positions, plane = PaddedPlane(g), width = g.Width + 2 * g.Padding;
        if (SmallPlane(g))
        {
            fixed (float* matrix = cols, output = x)
            fixed (int* spreads = SmallPlaneTables(g).Spreads)
                for (int c = 0; c < g.Channels; c++)
                    SpreadWindows(matrix + (long)c * windows * ld + offset, ld, g, spreads, output + c * g.Height * g.Width);
            return;
        }
        if (FoldRows(g))
        {
            // Padded columns p … p + W − 1 are the image's: a row is stored from `target − p`, the lanes before p masked off.
            int end = g.Padding + g.Width, lanes = Vector512<float>.Count;
            var stores = (Lanes(g.Padding, Math.Min(end, lanes)), FirstLanes(Math.Max(0, end - lanes)));
            fixed (float* matrix = cols, output = x)
            fixed (int* spreads = RowSpreads(g))
                for (int c = 0; c < g.Channels; c++)
                    for (int ih = 0; ih < g.Height; ih++)
                        FoldRow(matrix + (long)c * windows * ld + offset, ld, g, ih, spreads, stores, output + (c * g.Height + ih) * g.Width - g.Padding);
            return;
        }
        var offsets = Offsets(g);
        var target = Scratch(g.Channels * plane + 2 * Vector512<float>.Count);
        target.Clear();
        fixed (float* image = target, matrix = cols)
        fixed (int* table = offsets)
            for (int c = 0; c < g.Channels; c++)
            {
                float* channel = image + c * plane;
                for (int r = 0; r < windows; r++)
                {
                    float* row = matrix + (long)(c * windows + r) * ld + offset;
                    int* at = table + r * positions;
                    for (int pos = 0; pos < positions; pos++) channel[at[pos]] += row[pos];
                }
            }
        int p = g.Padding;
        fixed (float* image = target, output = x)
            for (int c = 0; c < g.Channels; c++)
                for (int ih = 0; ih < g.Height; ih++)
                    CopyRow(image + c * plane + (ih + p) * width + p, output + (c * g.Height + ih) * g.Width, g.Width);
    }

    // Col2Im image row by image row, where the windows' rows are vectors (VectorRows) and a padded image row fits two
    // vectors: each window row that lands on image row ih (ih + p = oh·s + ki) is loaded, spread s apart by a permute
    // (zeros between) and added to one or two accumulators in registers, window by window (the order of the other path,
    // so the same bits); then the row is stored once. Added window by window into a padded plane in memory instead, each
    // add read back what the window before had just stored a lane or two to the side.
    private static bool FoldRows(in ConvGeometry g) => VectorRows(g) && g.Width + 2 * g.Padding <= 2 * Vector512<float>.Count;

    private static unsafe void FoldRow(float* windowRows, int ld, in ConvGeometry g, int ih, int* spreads,
                                       (Vector512<float> Low, Vector512<float> High) stores, float* paddedRow)
    {
        var keep = FirstLanes(g.OutWidth);
        Vector512<float> low = default, high = default;
        int k = g.Kernel, lanes = Vector512<float>.Count, halving = g.Stride - 1;   // stride 1 or 2: t / s is t >> halving
        bool wide = g.Width + 2 * g.Padding > lanes;
        for (int ki = 0; ki < k; ki++)
        {
            int t = ih + g.Padding - ki;
            if (t < 0) break;
            if ((t & halving) != 0 || t >> halving >= g.OutHeight) continue;
            float* rows = windowRows + (long)ki * k * ld + (t >> halving) * g.OutWidth;
            for (int kj = 0; kj < k; kj++)
            {
                var values = Avx512F.MaskLoad(rows + (long)kj * ld, keep, Vector512<float>.Zero);
                low += Avx512F.PermuteVar16x32x2(values, Vector512.Load(spreads + 2 * kj * lanes), Vector512<float>.Zero);
                if (wide) high += Avx512F.PermuteVar16x32x2(values, Vector512.Load(spreads + (2 * kj + 1) * lanes), Vector512<float>.Zero);
            }
        }
        Avx512F.MaskStore(paddedRow, stores.Low, low);
        if (wide) Avx512F.MaskStore(paddedRow + lanes, stores.High, high);
    }

    // A convolution's forward pass, y [M, Ho·Wo] = W·unfold(x) (+ b) for one sample, x [C, H, W] and W [M, C·k·k], made
    // without columns where Im2Col takes its window rows as vectors (and where that wins: ConvolvesInRegisters). For
    // each vector of output rows (two where they fit one, as PairedKernelRows makes them), each window row
    // j = (c·k + ki)·k + kj is picked from the image rows into a register as Im2Col picks it, and eight outputs take
    // Σ_j W[m, j]·row j, j ascending, one fused multiply-add each from zero: the GEMM's order (so no deeper than one depth
    // block), the same bits as unfolding, multiplying and copying out. The eight sums do not wait on each other and share
    // each picked row. Outputs past a multiple of eight are made by eight sums too, from a copy of the last rows of W with
    // zero rows after them, of which only the real ones are stored.
    private static unsafe void ConvolveInRegisters(ReadOnlySpan<float> x, in ConvGeometry g, Tensor weight, Tensor? bias, Span<float> y)
    {
        int outputs = weight.Rows, patch = g.PatchSize, m = 0;
        fixed (float* image = x, w = weight.Data, output = y)
        {
            for (; m + 8 <= outputs; m += 8) EightOutputs(image, g, w + m * patch, 8, bias, m, output + m * g.Positions);
            if (m == outputs) return;
            float* last = stackalloc float[8 * patch];
            new Span<float>(last, 8 * patch).Clear();
            new ReadOnlySpan<float>(w + m * patch, (outputs - m) * patch).CopyTo(new Span<float>(last, 8 * patch));
            EightOutputs(image, g, last, outputs - m, bias, m, output + m * g.Positions);
        }
    }

    // Outputs m … m + n − 1 (n ≤ 8) of ConvolveInRegisters from W's rows w … w + 7 (patch values each).
    private static unsafe void EightOutputs(float* image, in ConvGeometry g, float* w, int n, Tensor? bias, int m, float* y)
    {
        int k = g.Kernel, patch = g.PatchSize, wo = g.OutWidth, positions = g.Positions, plane = g.Height * g.Width, lanes = Vector512<float>.Count;
        bool paired = PairedRows(g);
        int shift = -g.Padding, step = paired ? 2 : 1;
        var column = Vector512<int>.Indices + Vector512.Create(shift);
        var (inside, insideHigh) = (Inside(column, g.Width), Inside(column + Vector512.Create(lanes), g.Width));
        // Lane j < Wo takes value s·j of the first vector; paired, lane Wo + j takes value s·j of the second (index 16 + s·j),
        // unpaired, the first vector's values run on into the second. Window kj reads kj columns further on.
        var lane = Vector512<int>.Indices;
        var pick = paired
            ? Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create(wo)), lane * g.Stride, Vector512.Create(lanes) + (lane - Vector512.Create(wo)) * g.Stride)
            : lane * g.Stride;
        for (int oh = 0; oh < g.OutHeight; oh += step)
        {
            bool pair = paired && oh + 1 < g.OutHeight;
            var keep = FirstLanes(pair ? 2 * wo : wo);
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int c = 0; c < g.Channels; c++)
            {
                float* channel = image + c * plane;
                for (int ki = 0; ki < k; ki++)
                {
                    int ih = oh * g.Stride + ki - g.Padding;
                    Vector512<float> first, second;
                    if (paired)
                        (first, second) = (ImageRow(channel, g, ih, shift, inside), pair ? ImageRow(channel, g, ih + g.Stride, shift, inside) : Vector512<float>.Zero);
                    else
                        (first, second) = (ImageRow(channel, g, ih, shift, inside), ImageRow(channel, g, ih, shift + lanes, insideHigh));
                    float* wj = w + (c * k + ki) * k;
                    for (int kj = 0; kj < k; kj++, wj++)
                    {
                        var row = Avx512F.PermuteVar16x32x2(first, pick + Vector512.Create(kj), second);
                        s0 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[0]), row, s0);
                        s1 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[patch]), row, s1);
                        s2 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[2 * patch]), row, s2);
                        s3 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[3 * patch]), row, s3);
                        s4 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[4 * patch]), row, s4);
                        s5 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[5 * patch]), row, s5);
                        s6 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[6 * patch]), row, s6);
                        s7 = Vector512.FusedMultiplyAdd(Vector512.Create(wj[7 * patch]), row, s7);
                    }
                }
            }
            float* target = y + oh * wo;
            StoreOutput(target, keep, s0, bias, m);
            if (n > 1) StoreOutput(target + positions, keep, s1, bias, m + 1);
            if (n > 2) StoreOutput(target + 2 * positions, keep, s2, bias, m + 2);
            if (n > 3) StoreOutput(target + 3 * positions, keep, s3, bias, m + 3);
            if (n > 4) StoreOutput(target + 4 * positions, keep, s4, bias, m + 4);
            if (n > 5) StoreOutput(target + 5 * positions, keep, s5, bias, m + 5);
            if (n > 6) StoreOutput(target + 6 * positions, keep, s6, bias, m + 6);
            if (n > 7) StoreOutput(target + 7 * positions, keep, s7, bias, m + 7);
        }
    }

    // Output m's values (+ b[m]) into the lanes kept.
    private static unsafe void StoreOutput(float* target, Vector512<float> keep, Vector512<float> sums, Tensor? bias, int m) =>
        Avx512F.MaskStore(target, keep, bias is null ? sums : sums + Vector512.Create(bias[m]));

    // Where W·unfold(x) is made without columns (ConvolveInRegisters): one input channel (the lab model's first layer),
    // in Im2Col's vector-row geometries, with a patch the GEMM sums in one depth block, so that the sums are the GEMM's bits.
    // Measured (train --profile, batch 256, 2 threads, ms per step): Conv2d(1 → 8) about as fast as the four-outputs-at-a-
    // time kernel it replaced (0.110–0.124 against 0.124–0.185 over four runs each, within this machine's noise); but
    // Conv2d(8 → 16), at 72 window rows per output vector, 0.263 → 0.273 against unfolding and the GEMM, so more channels
    // keep the columns. (As a transposed convolution's input gradient, whose columns are made anyway for its weight
    // gradient, it was slower still: 0.185 → 0.243.)
    private static bool ConvolvesInRegisters(in ConvGeometry g) => g.Channels == 1 && VectorRows(g) && g.PatchSize <= Gemm.KC;

    // fold(Wᵀ·z) (+ b on channel c) for one sample, z [D, Ho·Wo] and W [D, C·k·k], made without columns: a transposed
    // convolution's forward pass (D its input channels, C its output channels, the geometry its output image's) and a
    // convolution's input gradient (D its output channels, C its input channels). Two steps. First the products: window
    // row j = (c·k + ki)·k + kj for output row oh is Σ_d W[d, j]·z[d, oh, ·] in the GEMM's order (one fused multiply-add
    // per d from zero, d ascending, so no deeper than one GEMM depth block), nine rows j at a time in registers, where the
    // nine sums do not wait on each other and share each load of z. Where two output rows fit one vector (Wo ≤ 8), z's rows
    // oh and oh + 1 are one load (they are contiguous), and each multiply-add makes both. Then the fold, FoldRow's walk
    // with the window rows taken from the products (the second row of a vector spread by its own table): the same bits as
    // multiplying into columns and folding them, with a sample's products (18 KB for the lab model's 16 → 8 layers) in L1
    // rather than a run's columns (225 KB) in L2, and no channel-major copy of z. Measured (train --profile, batch 256,
    // 2 threads, ms per step): ConvTranspose2d(16 → 8) forward 0.425 → 0.262, Conv2d(8 → 16) input gradient 0.36 → 0.25,
    // ConvTranspose2d(8 → 1) forward 0.24 → 0.196 (before: one channel's products three windows at a time).
    private static unsafe void FoldProducts(ReadOnlySpan<float> z, in ConvGeometry g, Tensor weight, Tensor? bias, Span<float> image)
    {
        int depth = weight.Rows, patch = g.PatchSize, positions = g.Positions, wo = g.OutWidth, lanes = Vector512<float>.Count;
        int perVector = PairedProducts(g) ? 2 : 1, vectorRows = (g.OutHeight + perVector - 1) / perVector;
        var products = Scratch(ref t_cols, vectorRows * patch * lanes);   // [Ho / perVector, C·k·k] vectors
        fixed (float* input = z, w = weight.Data, made = products)
        {
            var sums = (Vector512<float>*)made;
            for (int v = 0; v < vectorRows; v++)
            {
                var keep = FirstLanes(Math.Min(perVector, g.OutHeight - v * perVector) * wo);
                float* rows = input + v * perVector * wo;
                var row = sums + v * patch;
                int j = 0;
                for (; j + 9 <= patch; j += 9) NineProducts(rows, positions, keep, w + j, patch, depth, row + j);
                for (; j < patch; j++)
                {
                    Vector512<float> s = default;
                    for (int d = 0; d < depth; d++)
                        s = Vector512.FusedMultiplyAdd(Vector512.Create(w[d * patch + j]), Avx512F.MaskLoad(rows + d * positions, keep, Vector512<float>.Zero), s);
                    row[j] = s;
                }
            }
            fixed (float* output = image) FoldFromProducts(sums, g, perVector - 1, bias, output);
        }
    }

    // FoldProducts' second step: the image rows ih of up to four channels at a time, whose sums do not wait on each other
    // (each is a chain of adds, window by window in FoldRow's order: one channel at a time, the adds waited on each other,
    // and the fold took longer than the products). A vector of products holds output rows oh >> shift, its second row
    // (oh & shift = 1, where two share a vector) spread by the second table.
    private static unsafe void FoldFromProducts(Vector512<float>* sums, in ConvGeometry g, int shift, Tensor? bias, float* output)
    {
        int k = g.Kernel, windows = k * k, patch = g.PatchSize, plane = g.Height * g.Width, lanes = Vector512<float>.Count;
        int halving = g.Stride - 1, end = g.Padding + g.Width;   // stride 1 or 2: t / s is t >> halving
        bool wide = g.Width + 2 * g.Padding > lanes;
        var (storeLow, storeHigh) = (Lanes(g.Padding, Math.Min(end, lanes)), FirstLanes(Math.Max(0, end - lanes)));
        fixed (int* spreads = RowSpreads(g))
            for (int c = 0; c < g.Channels; c += 4)
            {
                int n = Math.Min(4, g.Channels - c);
                for (int ih = 0; ih < g.Height; ih++)
                {
                    Vector512<float> low0 = default, low1 = default, low2 = default, low3 = default;
                    Vector512<float> high0 = default, high1 = default, high2 = default, high3 = default;
                    for (int ki = 0; ki < k; ki++)
                    {
                        int t = ih + g.Padding - ki;
                        if (t < 0) break;
                        if ((t & halving) != 0 || t >> halving >= g.OutHeight) continue;
                        int oh = t >> halving;
                        var rows = sums + (oh >> shift) * patch + c * windows + ki * k;   // channel c's window rows (ki, ·); the next channel's windows on
                        int* spread = spreads + (oh & shift) * 2 * k * lanes;
                        for (int kj = 0; kj < k; kj++)
                        {
                            var toLow = Vector512.Load(spread + 2 * kj * lanes);
                            low0 += Avx512F.PermuteVar16x32x2(rows[kj], toLow, Vector512<float>.Zero);
                            if (n > 1) low1 += Avx512F.PermuteVar16x32x2(rows[windows + kj], toLow, Vector512<float>.Zero);
                            if (n > 2) low2 += Avx512F.PermuteVar16x32x2(rows[2 * windows + kj], toLow, Vector512<float>.Zero);
                            if (n > 3) low3 += Avx512F.PermuteVar16x32x2(rows[3 * windows + kj], toLow, Vector512<float>.Zero);
                            if (!wide) continue;
                            var toHigh = Vector512.Load(spread + (2 * kj + 1) * lanes);
                            high0 += Avx512F.PermuteVar16x32x2(rows[kj], toHigh, Vector512<float>.Zero);
                            if (n > 1) high1 += Avx512F.PermuteVar16x32x2(rows[windows + kj], toHigh, Vector512<float>.Zero);
                            if (n > 2) high2 += Avx512F.PermuteVar16x32x2(rows[2 * windows + kj], toHigh, Vector512<float>.Zero);
                            if (n > 3) high3 += Avx512F.PermuteVar16x32x2(rows[3 * windows + kj], toHigh, Vector512<float>.Zero);
                        }
                    }
                    float* paddedRow = output + (c * g.Height + ih) * g.Width - g.Padding;
                    StoreFolded(paddedRow, low0, high0, wide, storeLow, storeHigh, bias, c);
                    if (n > 1) StoreFolded(paddedRow + plane, low1, high1, wide, storeLow, storeHigh, bias, c + 1);
                    if (n > 2) StoreFolded(paddedRow + 2 * plane, low2, high2, wide, storeLow, storeHigh, bias, c + 2);
                    if (n > 3) StoreFolded(paddedRow + 3 * plane, low3, high3, wide, storeLow, storeHigh, bias, c + 3);
                }
            }
    }

    // A folded image row of channel c (+ b[c]) into its padded row's image lanes.
    private static unsafe void StoreFolded(float* paddedRow, Vector512<float> low, Vector512<float> high, bool wide,
                                           Vector512<float> storeLow, Vector512<float> storeHigh, Tensor? bias, int c)
    {
        if (bias is not null)
        {
            var b = Vector512.Create(bias[c]);
            (low, high) = (low + b, high + b);
        }
        Avx512F.MaskStore(paddedRow, storeLow, low);
        if (wide) Avx512F.MaskStore(paddedRow + Vector512<float>.Count, storeHigh, high);
    }

    // Products rows j … j + 8 of one vector of output rows (FoldProducts): row[i] = Σ_d w[d·ld + i]·z[d·positions …], d ascending.
    private static unsafe void NineProducts(float* z, int positions, Vector512<float> keep, float* w, int ld, int depth, Vector512<float>* row)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default, s8 = default;
        for (int d = 0; d < depth; d++, z += positions, w += ld)
        {
            var values = Avx512F.MaskLoad(z, keep, Vector512<float>.Zero);
            s0 = Vector512.FusedMultiplyAdd(Vector512.Create(w[0]), values, s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Create(w[1]), values, s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Create(w[2]), values, s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Create(w[3]), values, s3);
            s4 = Vector512.FusedMultiplyAdd(Vector512.Create(w[4]), values, s4);
            s5 = Vector512.FusedMultiplyAdd(Vector512.Create(w[5]), values, s5);
            s6 = Vector512.FusedMultiplyAdd(Vector512.Create(w[6]), values, s6);
            s7 = Vector512.FusedMultiplyAdd(Vector512.Create(w[7]), values, s7);
            s8 = Vector512.FusedMultiplyAdd(Vector512.Create(w[8]), values, s8);
        }
        (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]) = (s0, s1, s2, s3, s4, s5, s6, s7, s8);
    }

    // Where FoldProducts holds two output rows per vector: Wo ≤ 8.
    private static bool PairedProducts(in ConvGeometry g) => 2 * g.OutWidth <= Vector512<float>.Count;

    // Where fold(Wᵀ·z) is made without columns (FoldProducts): the vector-row fold's geometries, with a depth D the GEMM
    // sums in one block, so that the products are the GEMM's bits.
    private static bool FoldsProducts(in ConvGeometry g, int depth) => FoldRows(g) && depth <= Gemm.KC;

    // Lanes [from, to).
    private static Vector512<float> Lanes(int from, int to) =>
        (Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(from)) & Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(to))).AsSingle();

    // Per geometry, for kernel column kj and half h of a padded image row: lane l (padded column 16h + l = ow·s + kj) takes
    // the window row's value ow, or lane 16, the zero operand, where no ow lands. A second table follows where two output
    // rows share a vector (PairedProducts), for the second: the same with value ow taken from lane Wo + ow.
    private static readonly ConcurrentDictionary<ConvGeometry, int[]> s_rowSpreads = new();

    private static int[] RowSpreads(in ConvGeometry g) => s_rowSpreads.GetOrAdd(g, static g =>
    {
        const int lanes = 16;
        int k = g.Kernel, rowsPerVector = PairedProducts(g) ? 2 : 1;
        var table = new int[rowsPerVector * 2 * k * lanes];
        for (int second = 0; second < rowsPerVector; second++)
            for (int kj = 0; kj < k; kj++)
                for (int column = 0; column < 2 * lanes; column++)
                {
                    int m = column - kj;
                    bool lands = m >= 0 && m % g.Stride == 0 && m / g.Stride < g.OutWidth;
                    table[(second * k + kj) * 2 * lanes + column] = lands ? second * g.OutWidth + m / g.Stride : lanes;
                }
        return table;
    });

    // Where Im2Col and Col2Im take a window's output rows as vectors: AVX-512, stride 1 or 2, 4 < Wo ≤ 16 (measured 2.2×
    // faster than gathering at Wo = 14, slower at Wo = 3, where a vector per row is mostly waste), and a kernel row's reads
    // of an image row within two vectors.
    private static bool VectorRows(in ConvGeometry g) =>
        Avx512F.IsSupported && g.Stride is 1 or 2 && g.OutWidth is > 4 and <= 16 && g.Kernel - 1 + g.Stride * (g.OutWidth - 1) < 2 * Vector512<float>.Count;

    // Where a channel's image fits four vectors with a lane to spare (H·W < 64) and a window's outputs one vector with a
    // lane to spare (P < 16): the lab model's third convolution, 7×7 in and 3×3 out, and the first transposed one. A
    // channel then sits in four registers, and each window's row of columns is picked out of them by two permutes through a
    // table (Im2Col), or spread back into them by four (Col2Im), instead of one gathered or added value at a time.
    private static bool SmallPlane(in ConvGeometry g) => Avx512F.IsSupported && g.Height * g.Width < 4 * Vector512<float>.Count && g.Positions < Vector512<float>.Count;

    // Im2Col's rows for one channel: row r (of k·k, ld apart) holds image[Picks[r, q]] at position q, 0 where that is the spare lane.
    private static unsafe void PickWindows(float* channel, in ConvGeometry g, int* picks, float* rows, int ld)
    {
        int n = g.Height * g.Width;
        var (v0, v1, v2, v3) = (PlaneVector(channel, n, 0), PlaneVector(channel, n, 1), PlaneVector(channel, n, 2), PlaneVector(channel, n, 3));
        var keep = FirstLanes(g.Positions);
        var upperHalf = Vector512.Create(2 * Vector512<float>.Count);
        for (int r = 0; r < g.Kernel * g.Kernel; r++)
        {
            // An index picks from (v0, v1) by its low five bits; those from 32 on come from (v2, v3) instead.
            var index = Vector512.Load(picks + r * Vector512<float>.Count);
            var value = Vector512.ConditionalSelect(Vector512.LessThan(index, upperHalf).AsSingle(),
                                                    Avx512F.PermuteVar16x32x2(v0, index, v1), Avx512F.PermuteVar16x32x2(v2, index, v3));
            Avx512F.MaskStore(rows + (long)r * ld, keep, value);
        }
    }

    // Col2Im for one channel: the four vectors of its image start at zero, and window by window (the order of the other
    // paths, so the same bits) each gets the window's row permuted into place, zeros where the window has no value there.
    private static unsafe void SpreadWindows(float* rows, int ld, in ConvGeometry g, int* spreads, float* channel)
    {
        var keep = FirstLanes(g.Positions);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int lanes = Vector512<float>.Count;
        for (int r = 0; r < g.Kernel * g.Kernel; r++)
        {
            var values = Avx512F.MaskLoad(rows + (long)r * ld, keep, Vector512<float>.Zero);
            int* spread = spreads + r * 4 * lanes;
            a0 += Avx512F.PermuteVar16x32(values, Vector512.Load(spread));
            a1 += Avx512F.PermuteVar16x32(values, Vector512.Load(spread + lanes));
            a2 += Avx512F.PermuteVar16x32(values, Vector512.Load(spread + 2 * lanes));
            a3 += Avx512F.PermuteVar16x32(values, Vector512.Load(spread + 3 * lanes));
        }
        int n = g.Height * g.Width;
        StorePlaneVector(a0, channel, n, 0);
        StorePlaneVector(a1, channel, n, 1);
        StorePlaneVector(a2, channel, n, 2);
        StorePlaneVector(a3, channel, n, 3);
    }

    // Vector j of a plane of n values, zeros past its end.
    private static unsafe Vector512<float> PlaneVector(float* plane, int n, int j)
    {
        int from = j * Vector512<float>.Count;
        return from >= n ? Vector512<float>.Zero : Avx512F.MaskLoad(plane + from, FirstLanes(Math.Min(Vector512<float>.Count, n - from)), Vector512<float>.Zero);
    }

    private static unsafe void StorePlaneVector(Vector512<float> values, float* plane, int n, int j)
    {
        int from = j * Vector512<float>.Count;
        if (from < n) Avx512F.MaskStore(plane + from, FirstLanes(Math.Min(Vector512<float>.Count, n - from)), values);
    }

    // Per geometry: Picks[r, q] (16 per window r) is the image index output position q of window r reads, or 63, the spare
    // lane past the image, where it reads padding (and past the positions); Spreads[r, j, l] (64 per window) is the position
    // of window r that reads image index 16j + l, or 15, the spare lane past the positions, where none does.
    private static readonly ConcurrentDictionary<ConvGeometry, (int[] Picks, int[] Spreads)> s_smallPlanes = new();

    private static (int[] Picks, int[] Spreads) SmallPlaneTables(in ConvGeometry g) => s_smallPlanes.GetOrAdd(g, static g =>
    {
        const int lanes = 16, spareImageLane = 4 * lanes - 1, sparePositionLane = lanes - 1;
        int k = g.Kernel;
        var picks = new int[k * k * lanes];
        var spreads = new int[k * k * 4 * lanes];
        Array.Fill(picks, spareImageLane);
        Array.Fill(spreads, sparePositionLane);
        for (int r = 0; r < k * k; r++)
            for (int q = 0; q < g.Positions; q++)
            {
                int ih = q / g.OutWidth * g.Stride + r / k - g.Padding, iw = q % g.OutWidth * g.Stride + r % k - g.Padding;
                if (ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width) continue;
                picks[r * lanes + q] = ih * g.Width + iw;
                spreads[r * 4 * lanes + ih * g.Width + iw] = q;
            }
        return (picks, spreads);
    });

    // Per geometry: for window r = ki·k + kj and position oh·Wo + ow, the offset (oh·s + ki)·(W + 2p) + ow·s + kj of the
    // value it reads in a zero-bordered plane. Built once per geometry and shared by every thread.
    private static readonly ConcurrentDictionary<ConvGeometry, int[]> s_offsets = new();

    private static int[] Offsets(in ConvGeometry g) => s_offsets.GetOrAdd(g, static g =>
    {
        int k = g.Kernel, width = g.Width + 2 * g.Padding;
        var table = new int[k * k * g.Positions];
        for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                        table[((ki * k + kj) * g.OutHeight + oh) * g.OutWidth + ow] = (oh * g.Stride + ki) * width + ow * g.Stride + kj;
        return table;
    });

    private static int PaddedPlane(in ConvGeometry g) => (g.Height + 2 * g.Padding) * (g.Width + 2 * g.Padding);

    // The image inside a zero border of the padding's width, in this thread's scratch, with two vectors' room after it.
    private static unsafe ReadOnlySpan<float> Pad(ReadOnlySpan<float> x, in ConvGeometry g)
    {
        int p = g.Padding, width = g.Width + 2 * p, plane = PaddedPlane(g);
        var padded = Scratch(g.Channels * plane + 2 * Vector512<float>.Count);
        padded.Clear();
        fixed (float* image = x, target = padded)
            for (int c = 0; c < g.Channels; c++)
                for (int ih = 0; ih < g.Height; ih++)
                    CopyRow(image + (c * g.Height + ih) * g.Width, target + c * plane + (ih + p) * width + p, g.Width);
        return padded;
    }

    // A thread's padded plane: grown as needed and kept, so a steady training step allocates nothing.
    [ThreadStatic] private static float[]? t_plane;

    private static Span<float> Scratch(int length) => Scratch(ref t_plane, length);

    // `length` values of a thread's buffer in `slot`, grown (doubling) when too short.
    private static Span<float> Scratch(ref float[]? slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new float[Math.Max(length, 2 * (slot?.Length ?? 0))];
        return slot.AsSpan(0, length);
    }

    private static void CheckExtents(int imageLength, in ConvGeometry g, int colsLength, int ld, int offset)
    {
        if (imageLength < g.ImageSize) throw new ArgumentException($"image has {imageLength} values, the geometry needs {g.ImageSize}");
        if (ld < g.Positions || offset < 0 || colsLength < (long)(g.PatchSize - 1) * ld + offset + g.Positions)
            throw new ArgumentException($"column matrix too small for {g.PatchSize} rows of {g.Positions} at offset {offset} (ld {ld})");
    }
}
