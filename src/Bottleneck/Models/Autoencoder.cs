using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>
/// An encoder to a code and a decoder back: x → code → x̂. Codes can be read with <see cref="Encode"/>. A variational one
/// (<see cref="Variational"/>) has an encoder whose head gives μ and log σ² of a d-dimensional code ([2d] values per
/// sample); its code is μ, and training draws z = μ + σ·ε (<see cref="Reparameterization"/>).
/// </summary>
public sealed class Autoencoder : Model
{
    private readonly Dictionary<int, (Tensor Mu, Tensor HeadGrad)> _heads = [];

    /// <summary>The layers from the input to the code (to μ and log σ² for a variational model).</summary>
    public Sequential Encoder { get; }
    /// <summary>The layers from the code back to the input's shape.</summary>
    public Sequential Decoder { get; }
    /// <summary>Whether the encoder's head gives a Gaussian (μ, log σ²) rather than the code itself.</summary>
    public bool Variational { get; }

    /// <summary>
    /// Joins <paramref name="encoder"/> and <paramref name="decoder"/>; the decoder must take the encoder's output shape, or for a
    /// <paramref name="variational"/> model half of the encoder's one-dimensional output.
    /// </summary>
    public Autoencoder(Sequential encoder, Sequential decoder, bool variational = false)
    {
        int[] code = encoder.OutputShape;
        if (variational)
        {
            if (code is not [int head] || head % 2 != 0)
                throw new ArgumentException($"a variational encoder ends in [2·d] values (μ and log σ²), not [{string.Join(", ", code)}]");
            code = [head / 2];
        }
        if (!code.SequenceEqual(decoder.InputShape))
            throw new ArgumentException($"encoder gives [{string.Join(", ", code)}]{(variational ? " codes" : "")} but decoder takes [{string.Join(", ", decoder.InputShape)}]");
        Encoder = encoder;
        Decoder = decoder;
        Variational = variational;
    }

    /// <summary>Width of the code: the decoder's input size.</summary>
    public int CodeSize => Tensor.ElementCount(Decoder.InputShape);
    /// <inheritdoc/>
    public override int[] InputShape => Encoder.InputShape;
    /// <inheritdoc/>
    public override int[] OutputShape => Decoder.OutputShape;
    /// <inheritdoc/>
    public override IEnumerable<Layer> Layers => Encoder.Layers.Concat(Decoder.Layers);

    /// <summary>The codes [B, d] of a batch <paramref name="x"/> [B, ...] (μ for a variational model); the tensor belongs to the model (see <see cref="Model"/>).</summary>
    public Tensor Encode(Tensor x)
    {
        var h = Encoder.Forward(x);
        if (!Variational) return h;
        var (mu, _) = Heads(h.Rows);
        Reparameterization.Mean(h, mu);
        return mu;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Decoder.Forward(Encode(x));

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool inputGradient = false)
    {
        var dCode = Decoder.Backward(dy, inputGradient: true)!;
        if (!Variational) return Encoder.Backward(dCode, inputGradient);
        // Forward decoded μ, so only μ's half of the head has a gradient.
        var (_, dh) = Heads(dCode.Rows);
        int d = CodeSize;
        for (int i = 0; i < dCode.Rows; i++)
        {
            dCode.Row(i).CopyTo(dh.Row(i)[..d]);
            dh.Row(i)[d..].Clear();
        }
        return Encoder.Backward(dh, inputGradient);
    }

    private (Tensor Mu, Tensor HeadGrad) Heads(int batch)
    {
        if (!_heads.TryGetValue(batch, out var buffers))
            _heads[batch] = buffers = (new Tensor(batch, CodeSize), new Tensor(batch, 2 * CodeSize));
        return buffers;
    }
}
