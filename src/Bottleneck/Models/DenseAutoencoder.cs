using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>Activation at the decoder's output.</summary>
public enum OutputActivation { Sigmoid, Linear }

/// <summary>
/// The "dense" preset: inputs → hidden… → code (ReLU) and back, mirrored, to the output
/// activation. With no hidden layers and code size 32 on 64 inputs this is study A's
/// model: Dense(64→32, ReLU) → Dense(32→64, sigmoid).
/// </summary>
public static class DenseAutoencoder
{
    public static Autoencoder Build(int inputs, int codeSize, IReadOnlyList<int> hidden, OutputActivation output,
                                    InitScheme init, RandomState rng)
    {
        if (inputs < 1) throw new ArgumentException("the data has no features");
        if (codeSize < 1) throw new ArgumentException($"code size must be at least 1, got {codeSize}");
        if (hidden.Any(h => h < 1)) throw new ArgumentException("hidden layer sizes must be at least 1");

        var widths = new List<int> { inputs };
        widths.AddRange(hidden);
        widths.Add(codeSize);

        var encoder = new List<Layer>();
        for (int i = 0; i + 1 < widths.Count; i++) encoder.AddRange([new Dense(widths[i], widths[i + 1]), new ReLU()]);

        var decoder = new List<Layer>();
        for (int i = widths.Count - 1; i > 0; i--)
        {
            decoder.Add(new Dense(widths[i], widths[i - 1]));
            if (i > 1) decoder.Add(new ReLU());
        }
        if (output == OutputActivation.Sigmoid) decoder.Add(new Sigmoid());

        // Encoder first, then decoder: the order Keras and PyTorch create (and draw) the weights in.
        Init.Apply(encoder, init, rng);
        Init.Apply(decoder, init, rng);
        return new Autoencoder(new Sequential([inputs], [.. encoder]), new Sequential([codeSize], [.. decoder]));
    }
}
