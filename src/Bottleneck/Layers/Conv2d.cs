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
    // Fixed, not derived from the thread count, so the weight-gradient sums are the same on any machine.
    private const int SamplesPerChunk = 16;

    private readonly Action<int> _unfold, _fold, _weightGradChunk;
    private readonly Dictionary<int, Workspace> _workspaces = [];
    private ConvGeometry _g;
    private Workspace _ws = null!;
    private Tensor _x = null!, _dx = null!;
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
        Workers.For(Chunks, _unfold);
        Gemm.Multiply(Weight.Value.Data, false, _ws.Cols.Data, false, _ws.Out.Data, OutChannels, n, _g.PatchSize, false, Workers);
        Conv.ChannelsToBatch(_ws.Out.Data, _batch, OutChannels, _g.Positions, y.Data);
        if (Bias is not null) Elementwise.AddChannelBias(y.Span, _batch, OutChannels, _g.Positions, Bias.Value.Span);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        Prepare(x);
        int n = _batch * _g.Positions;
        var dOut = _ws.Out.Data;  // y's channel-major copy is no longer needed: reuse it for dy
        Conv.BatchToChannels(dy.Data, _batch, OutChannels, _g.Positions, dOut);
        if (Bias is not null) Elementwise.AccumulateChannelSums(dy.Span, _batch, OutChannels, _g.Positions, Bias.Grad.Span);

        Workers.For(Chunks, _weightGradChunk);
        for (int c = 0; c < Chunks; c++)
            Elementwise.AddTransposed(_ws.Partials[c], _g.PatchSize, OutChannels, Weight.Grad.Span);

        if (dx is null) return;
        _dx = dx;
        Gemm.Multiply(Weight.Value.Data, true, dOut, false, _ws.Cols.Data, _g.PatchSize, n, OutChannels, false, Workers);
        Workers.For(Chunks, _fold);
    }

    // Partial dWᵀ [Cin·k·k, Cout] of one chunk of samples: cols block · dy blockᵀ, both inside [*, B·HoWo]
    // matrices. Transposed so that the GEMM transposes (packs) the smaller, channel side.
    private void WeightGradChunk(int chunk)
    {
        int first = chunk * SamplesPerChunk, count = Math.Min(SamplesPerChunk, _batch - first);
        int ld = _batch * _g.Positions, offset = first * _g.Positions;
        Gemm.Multiply(_ws.Cols.Data.AsSpan(offset), false, _ws.Out.Data.AsSpan(offset), true, _ws.Partials[chunk],
                      _g.PatchSize, OutChannels, count * _g.Positions, false, WorkerPool.Serial, lda: ld, ldb: ld);
    }

    // Threads take whole chunks of samples: handing out single samples would put neighbours, whose
    // columns share cache lines, on different cores.
    private int Chunks => (_batch + SamplesPerChunk - 1) / SamplesPerChunk;

    private void Unfold(int chunk)
    {
        for (int b = chunk * SamplesPerChunk; b < Math.Min(_batch, (chunk + 1) * SamplesPerChunk); b++)
            Conv.Im2Col(_x.Row(b), _g, _ws.Cols.Data, _batch * _g.Positions, b * _g.Positions);
    }

    private void Fold(int chunk)
    {
        for (int b = chunk * SamplesPerChunk; b < Math.Min(_batch, (chunk + 1) * SamplesPerChunk); b++)
            Conv.Col2Im(_ws.Cols.Data, _batch * _g.Positions, b * _g.Positions, _g, _dx.Row(b));
    }

    private void Prepare(Tensor x)
    {
        if (_g.Channels == 0) OutputShape(x.Shape[1..]);
        _x = x;
        _batch = x.Rows;
        if (!_workspaces.TryGetValue(_batch, out var ws))
        {
            int chunks = (_batch + SamplesPerChunk - 1) / SamplesPerChunk;
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
