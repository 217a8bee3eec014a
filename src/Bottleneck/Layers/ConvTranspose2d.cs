using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// ConvTranspose2d, the adjoint of Conv2d.  x: [B, Cin, H, W]  W: [Cin, Cout, k, k]  b: [Cout]
// y: [B, Cout, Ho, Wo],  Ho = (H − 1)·s − 2p + k + output_padding.
// It runs Conv2d's steps in reverse over the geometry of its output image (the convolution that maps y's
// shape back to x's): the product Wᵀ·x gives the columns, which fold (sum) into y.
/// <summary>A transposed 2-D convolution (the adjoint of <see cref="Conv2d"/>), as PyTorch's <c>nn.ConvTranspose2d</c>; the decoder's upsampling layer.</summary>
public sealed class ConvTranspose2d : ConvolutionLayer
{
    /// <summary>A transposed convolution with square kernels; <paramref name="outputPadding"/> must lie in [0, stride).</summary>
    /// <param name="inChannels">Cin, channels of the input.</param>
    /// <param name="outChannels">Cout, channels of the output.</param>
    /// <param name="kernelSize">k, the kernel's height and width.</param>
    /// <param name="stride">The upsampling step.</param>
    /// <param name="padding">Rows and columns removed from every side of the full output.</param>
    /// <param name="outputPadding">Extra rows and columns on the bottom and right, to reach an exact output size.</param>
    /// <param name="bias">Whether a per-channel bias is added.</param>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
        : base("ConvTranspose2d", inChannels, outChannels, kernelSize, stride, padding, bias, [inChannels, outChannels, kernelSize, kernelSize])
    {
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"output padding must lie in [0, stride), got {outputPadding} with stride {stride}");
        OutputPadding = outputPadding;
    }

    /// <summary>Extra rows and columns added to the output's bottom and right (PyTorch's output_padding).</summary>
    public int OutputPadding { get; }

    // PyTorch takes fan-in from the weight's second dimension, which for a transposed convolution is the output channels.
    /// <inheritdoc/>
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        int receptive = KernelSize * KernelSize;
        Init.WeightAndBias(Weight.Value, Bias?.Value, OutChannels * receptive, InChannels * receptive, scheme, rng);
    }

    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        var (height, width) = CheckInput(inputShape);
        int h = (height - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        int w = (width - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        if (h < 1 || w < 1) throw new ArgumentException($"{this} gives an empty output for a {height}×{width} input");
        Geometry = new ConvGeometry(OutChannels, h, w, KernelSize, Stride, Padding, height, width);
        return [OutChannels, h, w];
    }

    internal override void Forward(Tensor x, Tensor y, FusedActivation? activation)
    {
        Conv.Transpose(x, GeometryFor(x), Weight.Value, Bias?.Value, y, Workers, activation);                     // y = fold(Wᵀ·x) + b (z = f(y)), run by run
    }

    internal override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx, FusedActivation? activation)
    {
        var ws = BuffersFor(x);
        // (dy = f′·dz); dW partials = x·unfold(dy)ᵀ; dx = W·unfold(dy)
        Conv.TransposeBackward(x, dy, Geometry, Weight.Value, ws.Partials, dx, Workers, ws.SplitFor(this), activation);
        if (Bias is not null) Conv.AddChannelSums(dy, Bias.Grad, Workers);                                 // db += Σ dy, once the runs have made dy
        if (ws.SplitFor(this) is { } split) BackwardSplit(split);
        Conv.AddPartials(ws.Partials, x.Rows, Weight.Grad);                                                    // dW += the partials, in run order
        WeightGradientDone();
    }

    // Each input value spreads over one output patch (the geometry's positions are the input's).
    internal override long MultiplyAddsPerSample => (long)InChannels * Geometry.Positions * Geometry.PatchSize;

    /// <inheritdoc/>
    public override string ToString() => Describe("ConvTranspose2d", $", op{OutputPadding}");
}
