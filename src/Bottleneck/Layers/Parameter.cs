using Bottleneck.Tensors;

namespace Bottleneck.Layers;

/// <summary>A trainable tensor and the gradient accumulated into it by backward passes.</summary>
public sealed class Parameter(string name, params int[] shape)
{
    public string Name { get; } = name;
    public Tensor Value { get; } = new(shape);
    public Tensor Grad { get; } = new(shape);
}
