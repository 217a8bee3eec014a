using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>An encoder to a code and a decoder back: x → code → x̂. Codes can be read with <see cref="Encode"/>.</summary>
public sealed class Autoencoder : Model
{
    public Sequential Encoder { get; }
    public Sequential Decoder { get; }

    public Autoencoder(Sequential encoder, Sequential decoder)
    {
        if (!encoder.OutputShape.SequenceEqual(decoder.InputShape))
            throw new ArgumentException($"encoder gives [{string.Join(", ", encoder.OutputShape)}] but decoder takes [{string.Join(", ", decoder.InputShape)}]");
        Encoder = encoder;
        Decoder = decoder;
    }

    public int CodeSize => Tensor.ElementCount(Encoder.OutputShape);
    public override int[] InputShape => Encoder.InputShape;
    public override int[] OutputShape => Decoder.OutputShape;
    public override IEnumerable<Layer> Layers => Encoder.Layers.Concat(Decoder.Layers);

    // x: [B, ...] → code: [B, d]
    public Tensor Encode(Tensor x) => Encoder.Forward(x);

    public override Tensor Forward(Tensor x) => Decoder.Forward(Encoder.Forward(x));

    public override Tensor? Backward(Tensor dy, bool inputGradient = false)
    {
        var dCode = Decoder.Backward(dy, inputGradient: true)!;
        return Encoder.Backward(dCode, inputGradient);
    }
}
