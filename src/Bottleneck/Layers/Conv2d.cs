using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Conv2d: y = W ⋆ x + b.  x: [B, Cin, H, W]  W: [Cout, Cin, k, k]  b: [Cout]  y: [B, Cout, Ho, Wo],
// Ho = ⌊(H + 2p − k)/s⌋ + 1.  Each run of samples is unfolded into columns [Cin·k·k, run·Ho·Wo], multiplied and
// copied out in one go, so its columns are used while they are in cache; backward unfolds the run again.
/// <summary>A 2-D convolution, as PyTorch's <c>nn.Conv2d</c> with square kernels and zero padding.</summary>
/// <param name="inChannels">Cin, channels of the input.</param>
/// <param name="outChannels">Cout, channels of the output.</param>
/// <param name="kernelSize">k, the kernel's height and width.</param>
/// <param name="stride">The step between kernel positions.</param>
/// <param name="padding">Zeros added on every side of the input.</param>
/// <param name="bias">Whether a per-channel bias is added.</param>
public sealed class Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool bias = true)
    : ConvolutionLayer("Conv2d", inChannels, outChannels, kernelSize, stride, padding, bias, [outChannels, inChannels, kernelSize, kernelSize])
{
    /// <inheritdoc/>
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        int receptive = KernelSize * KernelSize;
        Init.WeightAndBias(Weight.Value, Bias?.Value, InChannels * receptive, OutChannels * receptive, scheme, rng);
    }

    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        var (height, width) = CheckInput(inputShape);
        Geometry = ConvGeometry.ForInput(InChannels, height, width, KernelSize, Stride, Padding);
        return [OutChannels, Geometry.OutHeight, Geometry.OutWidth];
    }

    internal override void Forward(Tensor x, Tensor y, FusedActivation? activation)
    {
        Conv.Convolve(x, GeometryFor(x), Weight.Value, Bias?.Value, y, Workers, activation);                  // y = W·unfold(x) + b (z = f(y)), run by run
    }

    internal override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx, FusedActivation? activation)
    {
        var ws = BuffersFor(x);
        // (dy = f′·dz); dW partials = dy·unfold(x)ᵀ; db partials = Σ dy; dx = fold(Wᵀ·dy)
        Conv.ConvolveBackward(x, dy, Geometry, Weight.Value, ws.Partials, Bias is null ? null : ws.BiasPartials, dx, Workers, ws.SplitFor(this), activation);
        if (ws.SplitFor(this) is { } split) BackwardSplit(split);
        if (Bias is not null) Conv.AddBiasPartials(ws.BiasPartials, x.Rows, Bias.Grad);                          // db += the partials, in run order
        Conv.AddPartials(ws.Partials, x.Rows, Weight.Grad);                                                    // dW += the partials, in run order
        WeightGradientDone();
    }

    // Each output value is a dot product over one patch.
    internal override long MultiplyAddsPerSample => (long)OutChannels * Geometry.Positions * Geometry.PatchSize;

    /// <inheritdoc/>
    public override string ToString() => Describe("Conv2d");
}
