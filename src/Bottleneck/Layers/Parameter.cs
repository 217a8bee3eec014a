using Bottleneck.Tensors;

namespace Bottleneck.Layers;

/// <summary>A trainable tensor and the gradient accumulated into it by backward passes.</summary>
public sealed class Parameter(string name, params int[] shape)
{
    /// <summary>The name in the state_dict (e.g. <c>weight</c>, <c>bias</c>).</summary>
    public string Name { get; } = name;
    /// <summary>The values.</summary>
    public Tensor Value { get; } = new(shape);
    /// <summary>The gradient, accumulated by backward passes and zeroed by the optimizer.</summary>
    public Tensor Grad { get; } = new(shape);
}
