using Bottleneck.Layers;

namespace Bottleneck.Models;

/// <summary>The built-in architectures, by the names the command line uses.</summary>
public static class Presets
{
    /// <summary>The preset names <see cref="ModelChoice"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dense", "lab", "lab-rgb", "vae-dense", "vae-lab"];

    /// <summary>
    /// Study B's convolutional "lab" autoencoder for 1×28×28 images with code size d:
    /// three stride-2 convolutions and two dense layers down, the mirror image up, sigmoid out.
    /// </summary>
    public static ModelSpec Lab(int codeSize) => new(
        [1, 28, 28],
        [
            Conv(8, padding: 1), Act("relu"), Conv(16, padding: 1), Act("relu"), Conv(32, padding: 0), Act("relu"),
            Act("flatten"), LayerSpec.Of("dense", ("out", 64)), Act("relu"), LayerSpec.Of("dense", ("out", codeSize)),
        ],
        [
            LayerSpec.Of("dense", ("out", 64)), Act("relu"), LayerSpec.Of("dense", ("out", 288)), Act("relu"), LayerSpec.Unflatten(32, 3, 3),
            Deconv(16, padding: 0, outputPadding: 0), Act("relu"), Deconv(8, padding: 1, outputPadding: 1), Act("relu"),
            Deconv(1, padding: 1, outputPadding: 1), Act("sigmoid"),
        ],
        InitScheme.KaimingUniform);

    /// <summary>
    /// The lab architecture as a variational autoencoder with code size d: the encoder's last dense layer gives 2·d values
    /// (μ and log σ²), the decoder is the lab decoder.
    /// </summary>
    public static ModelSpec VaeLab(int codeSize)
    {
        var lab = Lab(codeSize);
        return lab with { Encoder = [.. lab.Encoder.SkipLast(1), LayerSpec.Of("dense", ("out", 2 * codeSize))], Variational = true };
    }

    /// <summary>
    /// A fully connected variational autoencoder: inputs → hidden… (ReLU) → 2·d (μ and log σ², no activation), and from the
    /// d-dimensional code mirrored back to the output activation.
    /// </summary>
    public static ModelSpec VaeDense(int[] input, int codeSize, IReadOnlyList<int> hidden, OutputActivation output, InitScheme init)
    {
        var plain = Dense(input, codeSize, hidden, output, init);
        // The plain encoder ends in dense(d), ReLU: the head is linear, and twice as wide.
        return plain with { Encoder = [.. plain.Encoder.SkipLast(2), LayerSpec.Of("dense", ("out", 2 * codeSize))], Variational = true };
    }

    /// <summary>
    /// The lab architecture for 3×32×32 colour images (CIFAR-sized) with code size d: three stride-2 convolutions
    /// (16, 32, 64 channels; 32 → 16 → 8 → 4) and dense 1024 → 128 → d down, the mirror image up, sigmoid out.
    /// </summary>
    public static ModelSpec LabRgb(int codeSize) => new(
        [3, 32, 32],
        [
            Conv(16, padding: 1), Act("relu"), Conv(32, padding: 1), Act("relu"), Conv(64, padding: 1), Act("relu"),
            Act("flatten"), LayerSpec.Of("dense", ("out", 128)), Act("relu"), LayerSpec.Of("dense", ("out", codeSize)),
        ],
        [
            LayerSpec.Of("dense", ("out", 128)), Act("relu"), LayerSpec.Of("dense", ("out", 1024)), Act("relu"), LayerSpec.Unflatten(64, 4, 4),
            Deconv(32, padding: 1, outputPadding: 1), Act("relu"), Deconv(16, padding: 1, outputPadding: 1), Act("relu"),
            Deconv(3, padding: 1, outputPadding: 1), Act("sigmoid"),
        ],
        InitScheme.KaimingUniform);

    /// <summary>
    /// Fully connected: inputs → hidden… → code (ReLU) and mirrored back to the output activation.
    /// With no hidden layers, code 32 on 64 inputs and Glorot init this is study A's model.
    /// </summary>
    public static ModelSpec Dense(int[] input, int codeSize, IReadOnlyList<int> hidden, OutputActivation output, InitScheme init)
    {
        Require.AtLeast(codeSize, 1, "code-size");
        foreach (int width in hidden) Require.AtLeast(width, 1, "hidden");
        int features = Tensors.Tensor.ElementCount(input);
        var encoder = new List<LayerSpec>();
        if (input.Length > 1) encoder.Add(Act("flatten"));
        foreach (int width in hidden.Append(codeSize)) encoder.AddRange([LayerSpec.Of("dense", ("out", width)), Act("relu")]);

        var decoder = new List<LayerSpec>();
        foreach (int width in hidden.Reverse()) decoder.AddRange([LayerSpec.Of("dense", ("out", width)), Act("relu")]);
        decoder.Add(LayerSpec.Of("dense", ("out", features)));
        if (output == OutputActivation.Sigmoid) decoder.Add(Act("sigmoid"));
        if (input.Length > 1) decoder.Add(LayerSpec.Unflatten(input));
        return new ModelSpec(input, encoder, decoder, init);
    }

    private static LayerSpec Act(string name) => new(name, new Dictionary<string, double>());

    private static LayerSpec Conv(int outChannels, int padding) =>
        LayerSpec.Of("conv2d", ("out", outChannels), ("kernel", 3), ("stride", 2), ("padding", padding));

    private static LayerSpec Deconv(int outChannels, int padding, int outputPadding) =>
        LayerSpec.Of("conv_transpose2d", ("out", outChannels), ("kernel", 3), ("stride", 2), ("padding", padding), ("output_padding", outputPadding));
}
