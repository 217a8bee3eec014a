using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>An encoder to a code and a decoder back: x → code → x̂. Codes can be read with <see cref="Encode"/>.</summary>
public sealed class Autoencoder : Model
{
    /// <summary>The layers from the input to the code.</summary>
    public Sequential Encoder { get; }
    /// <summary>The layers from the code back to the input's shape.</summary>
    public Sequential Decoder { get; }

    /// <summary>Joins <paramref name="encoder"/> and <paramref name="decoder"/>; the decoder must take the encoder's output shape.</summary>
    public Autoencoder(Sequential encoder, Sequential decoder)
    {
        if (!encoder.OutputShape.SequenceEqual(decoder.InputShape))
            throw new ArgumentException($"encoder gives [{string.Join(", ", encoder.OutputShape)}] but decoder takes [{string.Join(", ", decoder.InputShape)}]");
        Encoder = encoder;
        Decoder = decoder;
    }

    /// <summary>Width of the code: the encoder's output size.</summary>
    public int CodeSize => Tensor.ElementCount(Encoder.OutputShape);
    /// <inheritdoc/>
    public override int[] InputShape => Encoder.InputShape;
    /// <inheritdoc/>
    public override int[] OutputShape => Decoder.OutputShape;
    /// <inheritdoc/>
    public override IEnumerable<Layer> Layers => Encoder.Layers.Concat(Decoder.Layers);

    /// <summary>The codes [B, d] of a batch <paramref name="x"/> [B, ...]; the tensor belongs to the encoder (see <see cref="Model"/>).</summary>
    public Tensor Encode(Tensor x) => Encoder.Forward(x);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Decoder.Forward(Encoder.Forward(x));

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool inputGradient = false)
    {
        var dCode = Decoder.Backward(dy, inputGradient: true)!;
        return Encoder.Backward(dCode, inputGradient);
    }
}
