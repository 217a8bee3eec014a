using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>Turns a --model value (lab, dense or a model file) into an architecture for given data.</summary>
public static class ModelCatalog
{
    /// <summary>
    /// Checks the name now (an unknown preset or a bad model file is found before any data is loaded)
    /// and returns how to size the architecture to the data once its sample shape is known.
    /// </summary>
    public static Func<int[], ModelSpec> Resolve(string name, int codeSize, IReadOnlyList<int> hidden)
    {
        if (codeSize < 1) throw new ArgumentException($"code size must be at least 1, got {codeSize}");
        switch (name)
        {
            case "lab":
                return shape => Fitted(Presets.Lab(codeSize), name, shape);
            case "dense":
                return shape => Fitted(Presets.Dense(shape, codeSize, hidden, OutputActivation.Sigmoid, InitScheme.KaimingUniform), name, shape);
            case var _ when File.Exists(name):
                var spec = ModelSpec.Load(name);
                return shape => Fitted(spec, name, shape);
            default:
                throw new ArgumentException($"--model: '{name}' is neither a preset ({string.Join(", ", Presets.Names)}) nor a model file");
        }
    }

    private static ModelSpec Fitted(ModelSpec spec, string name, int[] sampleShape)
    {
        if (Tensor.ElementCount(spec.Input) != Tensor.ElementCount(sampleShape))
            throw new ArgumentException($"--model {name} takes [{string.Join(", ", spec.Input)}] inputs, but the data's samples are [{string.Join(", ", sampleShape)}]" +
                                        (name == "lab" ? " (lab is for 28×28 images: mnist, fashion-mnist, kmnist)" : ""));
        return spec;
    }
}
