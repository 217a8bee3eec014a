using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// ConvTranspose2d, the adjoint of Conv2d.  x: [B, Cin, H, W]  W: [Cin, Cout, k, k]  b: [Cout]
// y: [B, Cout, Ho, Wo],  Ho = (H − 1)·s − 2p + k + output_padding.
// It runs Conv2d's steps in reverse over the geometry of its output image (the convolution that maps y's
// shape back to x's): the product Wᵀ·x gives the columns, which fold (sum) into y.
public sealed class ConvTranspose2d : ConvolutionLayer
{
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
        : base("ConvTranspose2d", inChannels, outChannels, kernelSize, stride, padding, bias, [inChannels, outChannels, kernelSize, kernelSize])
    {
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"output padding must lie in [0, stride), got {outputPadding} with stride {stride}");
        OutputPadding = outputPadding;
    }

    public int OutputPadding { get; }

    // PyTorch takes fan-in from the weight's second dimension, which for a transposed convolution is the output channels.
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        int receptive = KernelSize * KernelSize;
        Init.WeightAndBias(Weight.Value, Bias?.Value, OutChannels * receptive, InChannels * receptive, scheme, rng);
    }

    public override int[] OutputShape(int[] inputShape)
    {
        var (height, width) = CheckInput(inputShape);
        int h = (height - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        int w = (width - 1) * Stride - 2 * Padding + KernelSize + OutputPadding;
        if (h < 1 || w < 1) throw new ArgumentException($"{this} gives an empty output for a {height}×{width} input");
        Geometry = new ConvGeometry(OutChannels, h, w, KernelSize, Stride, Padding, height, width);
        return [OutChannels, h, w];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        var ws = BuffersFor(x, InChannels);
        Conv.ToChannelMajor(x, ws.ChannelMajor, Workers);                                                   // x as [Cin, B·H·W]
        Gemm.Multiply(Weight.Value.AsMatrix().T, ws.ChannelMajor.AsMatrix(), ws.Cols.AsMatrix(), Workers);  // cols = Wᵀ·x
        Conv.Fold(ws.Cols, Geometry, y, Workers, Bias?.Value);                                              // y = fold(cols) + b
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        var ws = BuffersFor(x, InChannels);
        if (Bias is not null) Conv.AddChannelSums(dy, Bias.Grad, Workers);                                 // db += Σ dy
        Conv.Unfold(dy, Geometry, ws.Cols, Workers);                                                        // dcols = unfold(dy)
        Conv.ToChannelMajor(x, ws.ChannelMajor, Workers);                                                   // x as [Cin, B·H·W]
        Conv.WeightGradient(ws.Cols, ws.ChannelMajor, x.Rows, ws.Partials, Weight.Grad, Workers);           // dW += x·dcolsᵀ
        if (dx is null) return;
        Gemm.Multiply(Weight.Value.AsMatrix(), ws.Cols.AsMatrix(), ws.ChannelMajor.AsMatrix(), Workers);    // [Cin, B·H·W] = W·dcols
        Conv.ToBatchMajor(ws.ChannelMajor, dx, Workers);                                                    // dx
    }

    public override string ToString() => Describe("ConvTranspose2d", $", op{OutputPadding}");
}
