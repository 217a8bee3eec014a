using System.Text.Json.Serialization;
using Bottleneck.Tensors;

namespace Bottleneck.Layers;

/// <summary>Weight initialisation conventions, named after the framework whose default they are.</summary>
[JsonConverter(typeof(EnumAsWord<InitScheme>))]
public enum InitScheme
{
    /// <summary>Keras: Glorot-uniform weights, U(±√(6/(fan_in+fan_out))), zero biases.</summary>
    GlorotUniform,
    /// <summary>PyTorch: Kaiming-uniform with a=√5, i.e. U(±1/√fan_in), biases U(±1/√fan_in).</summary>
    KaimingUniform,
}

/// <summary>Draws initial weights by an <see cref="InitScheme"/>.</summary>
public static class Init
{
    /// <summary>Initialises every layer in order, drawing from <paramref name="rng"/>.</summary>
    public static void Apply(IEnumerable<Layer> layers, InitScheme scheme, RandomState rng)
    {
        foreach (var layer in layers) layer.ResetParameters(scheme, rng);
    }

    /// <summary>Fills <paramref name="weight"/> and <paramref name="bias"/> by <paramref name="scheme"/> for a layer with the given fans, drawing from <paramref name="rng"/>.</summary>
    public static void WeightAndBias(Tensor weight, Tensor? bias, int fanIn, int fanOut, InitScheme scheme, RandomState rng)
    {
        switch (scheme)
        {
            case InitScheme.GlorotUniform:
                Uniform(weight, Math.Sqrt(6.0 / (fanIn + fanOut)), rng);
                bias?.Clear();
                break;
            case InitScheme.KaimingUniform:
                // gain = √(2/(1+a²)) with a = √5 gives bound = gain·√(3/fan_in) = 1/√fan_in.
                double bound = 1.0 / Math.Sqrt(fanIn);
                Uniform(weight, bound, rng);
                if (bias is not null) Uniform(bias, bound, rng);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme));
        }
    }

    private static void Uniform(Tensor t, double bound, RandomState rng)
    {
        for (int i = 0; i < t.Length; i++) t[i] = (float)rng.Uniform(-bound, bound);
    }
}
