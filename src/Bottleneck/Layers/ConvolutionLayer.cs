using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// What Conv2d and ConvTranspose2d share: a k×k kernel sliding with a stride over a zero-padded image (the
// geometry: Conv2d's input, ConvTranspose2d's output), a weight and an optional bias, and the buffers of each
// batch size, made once and reused: one partial weight gradient (and bias gradient) per run of samples. The
// columns and channel-major blocks of a run are the kernels' own, per thread (see Conv).
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

    /// <inheritdoc/>
    public sealed override void Forward(Tensor x, Tensor y) => Forward(x, y, null);

    /// <inheritdoc/>
    public sealed override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx) => Backward(x, y, dy, dx, null);

    /// <summary>Forward, and then the activation that follows, run by run inside the same jobs (z = f(y) into its output).</summary>
    internal abstract void Forward(Tensor x, Tensor y, FusedActivation? activation);

    /// <summary>Backward from the activation's output gradient dz when one is fused: dy = f′·dz is written run by run, then used.</summary>
    internal abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx, FusedActivation? activation);

    /// <summary>The window's geometry for the last input shape seen; set by <see cref="Layer.OutputShape"/>.</summary>
    private protected ConvGeometry Geometry { get; set; }

    /// <summary>The height and width of an input [C, H, W] with <see cref="InChannels"/> channels, or an exception naming the layer.</summary>
    protected (int Height, int Width) CheckInput(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels)
            throw new ArgumentException($"{this} expects [{InChannels}, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        return (inputShape[1], inputShape[2]);
    }

    /// <summary>The window's geometry over x [B, …], from its shape when no <see cref="Layer.OutputShape"/> call set it.</summary>
    private protected ConvGeometry GeometryFor(Tensor x)
    {
        if (Geometry.Channels == 0) OutputShape(x.Shape[1..]);
        return Geometry;
    }

    /// <summary>The buffers for a batch of x [B, …]: the partial gradients of each run of samples, and a profile's split.</summary>
    protected Workspace BuffersFor(Tensor x)
    {
        GeometryFor(x);
        int batch = x.Rows;
        if (!_workspaces.TryGetValue(batch, out var ws))
        {
            int runs = Conv.SampleChunks(batch).Count;
            _workspaces[batch] = ws = new Workspace(
                [.. Enumerable.Range(0, runs).Select(_ => new float[Weight.Value.Length])],
                [.. Enumerable.Range(0, runs).Select(_ => new float[OutChannels])],
                new long[2 * runs]);
        }
        return ws;
    }

    /// <param name="Partials">One weight gradient per run of samples, added in run order.</param>
    /// <param name="BiasPartials">One bias gradient per run of samples (Conv2d's), added in run order.</param>
    /// <param name="Split">Per run, the thread time of its weight and its input gradient, when a profile is taken.</param>
    protected sealed record Workspace(float[][] Partials, float[][] BiasPartials, long[] Split)
    {
        /// <summary><see cref="Split"/> while the layer is profiled, else null (the kernels then read no clock).</summary>
        internal long[]? SplitFor(Layer layer) => layer.Clock is null ? null : Split;
    }

    private protected string Describe(string kind, string extra = "") =>
        $"{kind}({InChannels} → {OutChannels}, k{KernelSize}, s{Stride}, p{Padding}{extra}{(Bias is null ? ", no bias" : "")})";
}
