using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// What Conv2d and ConvTranspose2d share: a k×k kernel sliding with a stride over a zero-padded image (the
// geometry: Conv2d's input, ConvTranspose2d's output), a weight and an optional bias, and the buffers of each
// batch size, made once and reused: the unfolded image cols [C·k·k, B·P], one activation channel-major
// [C′, B·P], and one partial weight gradient per run of samples.
/// <summary>What <see cref="Conv2d"/> and <see cref="ConvTranspose2d"/> share: a square kernel sliding with a stride over a zero-padded image, a weight and an optional bias.</summary>
public abstract class ConvolutionLayer : Layer
{
    private readonly Dictionary<int, Workspace> _workspaces = [];

    private protected ConvolutionLayer(string kind, int inChannels, int outChannels, int kernelSize, int stride, int padding, bool bias, int[] weightShape)
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
            throw new ArgumentException($"invalid {kind}({inChannels} → {outChannels}, k{kernelSize}, s{stride}, p{padding})");
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride, padding);
        Weight = new Parameter("weight", weightShape);
        Bias = bias ? new Parameter("bias", outChannels) : null;
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>The kernel's height and width.</summary>
    public int KernelSize { get; }
    /// <summary>The step between kernel positions.</summary>
    public int Stride { get; }
    /// <summary>Zero padding on every side (of the input for Conv2d, removed from the output for ConvTranspose2d).</summary>
    public int Padding { get; }
    /// <summary>The kernel, in PyTorch's layout: [Cout, Cin, k, k] for Conv2d, [Cin, Cout, k, k] for ConvTranspose2d.</summary>
    public Parameter Weight { get; }
    /// <summary>The per-output-channel bias [Cout], or null when the layer has none.</summary>
    public Parameter? Bias { get; }    // [Cout]

    /// <inheritdoc/>
    public sealed override IReadOnlyList<Parameter> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    /// <summary>The window's geometry for the last input shape seen; set by <see cref="Layer.OutputShape"/>.</summary>
    private protected ConvGeometry Geometry { get; set; }

    /// <summary>The height and width of an input [C, H, W] with <see cref="InChannels"/> channels, or an exception naming the layer.</summary>
    protected (int Height, int Width) CheckInput(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels)
            throw new ArgumentException($"{this} expects [{InChannels}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        return (inputShape[1], inputShape[2]);
    }

    /// <summary>The buffers for a batch of x [B, …]: cols [C·k·k, B·P], a channel-major [<paramref name="channelMajorRows"/>, B·P], partials.</summary>
    protected Workspace BuffersFor(Tensor x, int channelMajorRows)
    {
        if (Geometry.Channels == 0) OutputShape(x.Shape[1..]);
        int batch = x.Rows;
        if (!_workspaces.TryGetValue(batch, out var ws))
        {
            var g = Geometry;
            _workspaces[batch] = ws = new Workspace(
                new Tensor(g.PatchSize, batch * g.Positions),
                new Tensor(channelMajorRows, batch * g.Positions),
                [.. Enumerable.Range(0, Conv.SampleChunks(batch).Count).Select(_ => new float[Weight.Value.Length])],
                new long[2 * Conv.SampleChunks(batch).Count]);
        }
        return ws;
    }

    /// <param name="Cols">The unfolded image in forward, or the unfolded gradient in backward.</param>
    /// <param name="ChannelMajor">Conv2d's output (or its gradient), ConvTranspose2d's input (or its gradient), as [C, B·P].</param>
    /// <param name="Partials">One weight gradient per run of samples, added in run order.</param>
    /// <param name="Split">Per run, the thread time of its weight and its input gradient, when a profile is taken.</param>
    protected sealed record Workspace(Tensor Cols, Tensor ChannelMajor, float[][] Partials, long[] Split)
    {
        /// <summary><see cref="Split"/> while the layer is profiled, else null (the kernels then read no clock).</summary>
        internal long[]? SplitFor(Layer layer) => layer.Clock is null ? null : Split;
    }

    private protected string Describe(string kind, string extra = "") =>
        $"{kind}({InChannels} → {OutChannels}, k{KernelSize}, s{Stride}, p{Padding}{extra}{(Bias is null ? ", no bias" : "")})";
}
