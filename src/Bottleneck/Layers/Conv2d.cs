using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Layers;

// Conv2d: y = W ⋆ x + b.  x: [B, Cin, H, W]  W: [Cout, Cin, k, k]  b: [Cout]  y: [B, Cout, Ho, Wo],
// Ho = ⌊(H + 2p − k)/s⌋ + 1.
// The whole batch is unfolded into one matrix, cols: [Cin·k·k, B·Ho·Wo], so forward and both
// gradients are single large GEMMs:
//   forward   y  = W · cols                      [Cout, B·HoWo], then back to [B, Cout, Ho, Wo]
//   backward  dWᵀ = cols · dyᵀ per fixed chunk of samples, added into dW in chunk order
//             dx  = fold(Wᵀ · dy)
public sealed class Conv2d : Layer
{
    private readonly Action<int> _unfold, _fold, _weightGradChunk, _scatterOutput, _gatherGradient, _biasGradient;
    private readonly Dictionary<int, Workspace> _workspaces = [];
    private ConvGeometry _g;
    private Workspace _ws = null!;
    private Tensor _x = null!, _y = null!, _dy = null!, _dx = null!;
    private int _batch;

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public Parameter Weight { get; }   // [Cout, Cin, k, k]
    public Parameter? Bias { get; }    // [Cout]

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool bias = true)
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
            throw new ArgumentException($"invalid Conv2d({inChannels} → {outChannels}, k{kernelSize}, s{stride}, p{padding})");
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride, padding);
        Weight = new Parameter("weight", outChannels, inChannels, kernelSize, kernelSize);
        Bias = bias ? new Parameter("bias", outChannels) : null;
        (_unfold, _fold, _weightGradChunk) = (Unfold, Fold, WeightGradChunk);
        (_scatterOutput, _gatherGradient, _biasGradient) = (ScatterOutput, GatherGradient, BiasGradient);
    }

    public override IReadOnlyList<Parameter> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        int receptive = KernelSize * KernelSize;
        Init.WeightAndBias(Weight.Value, Bias?.Value, InChannels * receptive, OutChannels * receptive, scheme, rng);
    }

    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels)
            throw new ArgumentException($"{this} expects [{InChannels}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        _g = ConvGeometry.ForInput(InChannels, inputShape[1], inputShape[2], KernelSize, Stride, Padding);
        return [OutChannels, _g.OutHeight, _g.OutWidth];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        Prepare(x);
        int n = _batch * _g.Positions;
        Workers.For(Chunks.Count, _unfold);
        Gemm.Multiply(Weight.Value.Data, false, _ws.Cols.Data, false, _ws.Out.Data, OutChannels, n, _g.PatchSize, false, Workers);
        _y = y;
        Workers.For(Chunks.Count, _scatterOutput);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        Prepare(x);
        int n = _batch * _g.Positions;
        _dy = dy;
        Workers.For(Chunks.Count, _gatherGradient);   // Out now holds dy, channel-major
        if (Bias is not null) Workers.For(OutChannels, _biasGradient);
        Workers.For(Chunks.Count, _weightGradChunk);
        for (int c = 0; c < Chunks.Count; c++)
            Elementwise.AddTransposed(_ws.Partials[c], _g.PatchSize, OutChannels, Weight.Grad.Span);

        if (dx is null) return;
        _dx = dx;
        Gemm.Multiply(Weight.Value.Data, true, _ws.Out.Data, false, _ws.Cols.Data, _g.PatchSize, n, OutChannels, false, Workers);
        Workers.For(Chunks.Count, _fold);
    }

    private void ScatterOutput(int chunk)
    {
        var (first, count) = Chunks[chunk];
        Conv.ChannelsToBatch(_ws.Out.Data, _batch, OutChannels, _g.Positions, _y.Data, first, count, Bias is null ? default : Bias.Value.Span);
    }

    private void GatherGradient(int chunk)
    {
        var (first, count) = Chunks[chunk];
        Conv.BatchToChannels(_dy.Data, _batch, OutChannels, _g.Positions, _ws.Out.Data, first, count);
    }

    // db[c] += Σ of channel c's row of the channel-major dy, which is contiguous.
    private void BiasGradient(int c)
    {
        int n = _batch * _g.Positions;
        Bias!.Grad[c] += TensorPrimitives.Sum(_ws.Out.Data.AsSpan(c * n, n));
    }

    // Partial dWᵀ [Cin·k·k, Cout] of one chunk of samples: cols block · dy blockᵀ, both inside [*, B·HoWo]
    // matrices. Transposed so that the GEMM transposes (packs) the smaller, channel side.
    private void WeightGradChunk(int chunk)
    {
        var (first, count) = Chunks[chunk];
        int ld = _batch * _g.Positions, offset = first * _g.Positions;
        Gemm.Multiply(_ws.Cols.Data.AsSpan(offset), false, _ws.Out.Data.AsSpan(offset), true, _ws.Partials[chunk],
                      _g.PatchSize, OutChannels, count * _g.Positions, false, WorkerPool.Serial, lda: ld, ldb: ld);
    }

    private SampleChunks Chunks => new(_batch);

    private void Unfold(int chunk)
    {
        var (first, count) = Chunks[chunk];
        for (int b = first; b < first + count; b++)
            Conv.Im2Col(_x.Row(b), _g, _ws.Cols.Data, _batch * _g.Positions, b * _g.Positions);
    }

    private void Fold(int chunk)
    {
        var (first, count) = Chunks[chunk];
        for (int b = first; b < first + count; b++)
            Conv.Col2Im(_ws.Cols.Data, _batch * _g.Positions, b * _g.Positions, _g, _dx.Row(b));
    }

    private void Prepare(Tensor x)
    {
        if (_g.Channels == 0) OutputShape(x.Shape[1..]);
        _x = x;
        _batch = x.Rows;
        if (!_workspaces.TryGetValue(_batch, out var ws))
        {
            int chunks = new SampleChunks(_batch).Count;
            _workspaces[_batch] = ws = new Workspace(
                new Tensor(_g.PatchSize, _batch * _g.Positions),
                new Tensor(OutChannels, _batch * _g.Positions),
                [.. Enumerable.Range(0, chunks).Select(_ => new float[Weight.Value.Length])]);
        }
        _ws = ws;
    }

    // Cols holds the unfolded input in forward, the unfolded input gradient in backward.
    private sealed record Workspace(Tensor Cols, Tensor Out, float[][] Partials);

    public override string ToString() =>
        $"Conv2d({InChannels} → {OutChannels}, k{KernelSize}, s{Stride}, p{Padding}{(Bias is null ? ", no bias" : "")})";
}
