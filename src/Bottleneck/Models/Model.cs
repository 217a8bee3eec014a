using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>
/// Something that maps a batch forward and gradients backward. Output and gradient
/// tensors belong to the model: they are sized once per batch size and reused, and
/// stay valid until the next call with the same batch size.
/// </summary>
public abstract class Model
{
    /// <summary>Per-sample input shape, e.g. [64] or [1, 28, 28].</summary>
    public abstract int[] InputShape { get; }
    /// <summary>Per-sample output shape.</summary>
    public abstract int[] OutputShape { get; }
    /// <summary>Every layer, in forward order.</summary>
    public abstract IEnumerable<Layer> Layers { get; }

    /// <summary>The output [B, ...out] for a batch <paramref name="x"/> [B, ...in], kept for <see cref="Backward"/>.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Accumulates parameter gradients from dL/dy; returns dL/dx when asked for it.</summary>
    public abstract Tensor? Backward(Tensor dy, bool inputGradient = false);

    /// <summary>Every trainable parameter, layer by layer.</summary>
    public IReadOnlyList<Parameter> Parameters => [.. Layers.SelectMany(l => l.Parameters)];

    /// <summary>Trainable values in all.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad.Clear();
    }

    /// <summary>The threads every layer's kernels share; results do not depend on their number.</summary>
    public WorkerPool Workers
    {
        set { foreach (var l in Layers) l.Workers = value; }
    }

    /// <summary>Every layer in train mode, or with <paramref name="mode"/> false in eval mode (PyTorch's <c>model.train(mode)</c>).</summary>
    public void Train(bool mode = true)
    {
        foreach (var l in Layers) l.Train(mode);
    }

    /// <summary>Every layer in eval mode (PyTorch's <c>model.eval()</c>).</summary>
    public void Eval() => Train(false);
}
