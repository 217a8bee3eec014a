using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// ConvTranspose2d, the adjoint of Conv2d.  x: [B, Cin, H, W]  W: [Cin, Cout, k, k]  b: [Cout]
// y: [B, Cout, Ho, Wo],  Ho = (H − 1)·s − 2p + k + output_padding.
// It runs Conv2d's steps in reverse over the geometry of its output image:
//   forward   cols = Wᵀ · x                      [Cout·k·k, B·H·W], folded (summed) into y
//   backward  dcols = unfold(dy);  dWᵀ = dcols · xᵀ per fixed chunk of samples, added in chunk order;  dx = W · dcols
public sealed class ConvTranspose2d : Layer
{
    private readonly Action<int> _unfold, _fold, _weightGradChunk, _gatherInput, _scatterInputGradient, _biasGradient;
    private readonly Dictionary<int, Workspace> _workspaces = [];
    private ConvGeometry _g;       // the convolution that maps y's shape back to x's
    private Workspace _ws = null!;
    private Tensor _image = null!, _x = null!, _dx = null!;
    private int _batch;

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }
    public Parameter Weight { get; }   // [Cin, Cout, k, k]
    public Parameter? Bias { get; }    // [Cout]

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
                           int outputPadding = 0, bool bias = true)
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
            throw new ArgumentException($"invalid ConvTranspose2d({inChannels} → {outChannels}, k{kernelSize}, s{stride}, p{padding})");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"output padding must lie in [0, stride), got {outputPadding} with stride {stride}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding) = (inChannels, outChannels, kernelSize, stride, padding, outputPadding);
        Weight = new Parameter("weight", inChannels, outChannels, kernelSize, kernelSize);
        Bias = bias ? new Parameter("bias", outChannels) : null;
        (_unfold, _fold, _weightGradChunk) = (Unfold, Fold, WeightGradChunk);
        (_gatherInput, _scatterInputGradient, _biasGradient) = (GatherInput, ScatterInputGradient, BiasGradient);
    }

    public override IReadOnlyList<Parameter> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    // PyTorch takes fan-in from the weight's second dimension, which for a transposed
    // convolution is the output channels.
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        int receptive = KernelSize * KernelSize;
        Init.WeightAndBias(Weight.Value, Bias?.Value, OutChannels * receptive, InChannels * receptive, scheme, rng);
    }

    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels)
            throw new ArgumentException($"{this} expects [{InChannels}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        int h = (inputShape[1] - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        int w = (inputShape[2] - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        if (h < 1 || w < 1) throw new ArgumentException($"{this} gives an empty output for a {inputShape[1]}×{inputShape[2]} input");
        _g = new ConvGeometry(OutChannels, h, w, KernelSize, Stride, Padding, inputShape[1], inputShape[2]);
        return [OutChannels, h, w];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        Prepare(x);
        int n = _batch * _g.Positions;
        _x = x;
        Workers.For(Chunks.Count, _gatherInput);
        Gemm.Multiply(Weight.Value.Data, true, _ws.In.Data, false, _ws.Cols.Data, _g.PatchSize, n, InChannels, false, Workers);
        _image = y;
        Workers.For(Chunks.Count, _fold);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        Prepare(x);
        int n = _batch * _g.Positions;
        _image = dy;
        if (Bias is not null) Workers.For(OutChannels, _biasGradient);
        Workers.For(Chunks.Count, _unfold);

        _x = x;
        Workers.For(Chunks.Count, _gatherInput);
        Workers.For(Chunks.Count, _weightGradChunk);
        for (int c = 0; c < Chunks.Count; c++)
            Elementwise.AddTransposed(_ws.Partials[c], _g.PatchSize, InChannels, Weight.Grad.Span);

        if (dx is null) return;
        Gemm.Multiply(Weight.Value.Data, false, _ws.Cols.Data, false, _ws.In.Data, InChannels, n, _g.PatchSize, false, Workers);
        _dx = dx;
        Workers.For(Chunks.Count, _scatterInputGradient);
    }

    private void GatherInput(int chunk)
    {
        var (first, count) = Chunks[chunk];
        Conv.BatchToChannels(_x.Data, _batch, InChannels, _g.Positions, _ws.In.Data, first, count);
    }

    private void ScatterInputGradient(int chunk)
    {
        var (first, count) = Chunks[chunk];
        Conv.ChannelsToBatch(_ws.In.Data, _batch, InChannels, _g.Positions, _dx.Data, first, count);
    }

    private void BiasGradient(int c) =>
        Bias!.Grad[c] += (float)Elementwise.ChannelSum(_image.Data, _batch, OutChannels, _g.Height * _g.Width, c);

    // Partial dWᵀ [Cout·k·k, Cin] of one chunk of samples: dcols block · x blockᵀ (the GEMM packs the smaller x side).
    private void WeightGradChunk(int chunk)
    {
        var (first, count) = Chunks[chunk];
        int ld = _batch * _g.Positions, offset = first * _g.Positions;
        Gemm.Multiply(_ws.Cols.Data.AsSpan(offset), false, _ws.In.Data.AsSpan(offset), true, _ws.Partials[chunk],
                      _g.PatchSize, InChannels, count * _g.Positions, false, WorkerPool.Serial, lda: ld, ldb: ld);
    }

    private SampleChunks Chunks => new(_batch);

    // Folds each sample's columns into its output image, then adds the bias, while the image is in cache.
    private void Fold(int chunk)
    {
        var (first, count) = Chunks[chunk];
        int plane = _g.Height * _g.Width;
        for (int b = first; b < first + count; b++)
        {
            var image = _image.Row(b);
            Conv.Col2Im(_ws.Cols.Data, _batch * _g.Positions, b * _g.Positions, _g, image);
            if (Bias is null) continue;
            for (int c = 0; c < OutChannels; c++)
            {
                var channel = image.Slice(c * plane, plane);
                TensorPrimitives.Add(channel, Bias.Value[c], channel);
            }
        }
    }

    private void Unfold(int chunk)
    {
        var (first, count) = Chunks[chunk];
        for (int b = first; b < first + count; b++)
            Conv.Im2Col(_image.Row(b), _g, _ws.Cols.Data, _batch * _g.Positions, b * _g.Positions);
    }

    private void Prepare(Tensor x)
    {
        if (_g.Channels == 0) OutputShape(x.Shape[1..]);
        _batch = x.Rows;
        if (!_workspaces.TryGetValue(_batch, out var ws))
        {
            int chunks = new SampleChunks(_batch).Count;
            _workspaces[_batch] = ws = new Workspace(
                new Tensor(InChannels, _batch * _g.Positions),
                new Tensor(_g.PatchSize, _batch * _g.Positions),
                [.. Enumerable.Range(0, chunks).Select(_ => new float[Weight.Value.Length])]);
        }
        _ws = ws;
    }

    // In: x (forward) or dx (backward) channel-major; Cols: the unfolded output or its gradient.
    private sealed record Workspace(Tensor In, Tensor Cols, float[][] Partials);

    public override string ToString() =>
        $"ConvTranspose2d({InChannels} → {OutChannels}, k{KernelSize}, s{Stride}, p{Padding}, op{OutputPadding}{(Bias is null ? ", no bias" : "")})";
}
