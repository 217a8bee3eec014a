using Bottleneck.Tensors;

namespace Bottleneck.Layers;

/// <summary>
/// One step of a model. Forward writes y from x; Backward reads the same x and y plus
/// dy, adds parameter gradients into <see cref="Parameter.Grad"/>, and writes dx unless
/// it is null (the first layer needs no input gradient). Shapes exclude the batch dimension.
/// </summary>
public abstract class Layer
{
    /// <summary>The trainable tensors, in PyTorch's state_dict order.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>State that is saved but not trained, e.g. BatchNorm's running statistics.</summary>
    public virtual IReadOnlyList<(string Name, Tensor Value)> Buffers => [];

    /// <summary>The layer's own random stream (Dropout's masks), which a resumed run must restore; null for layers that draw nothing.</summary>
    public virtual RandomState? RandomStream => null;

    /// <summary>Draws fresh initial weights, as PyTorch's reset_parameters does; layers without weights do nothing.</summary>
    public virtual void ResetParameters(InitScheme scheme, RandomState rng) { }

    /// <summary>Threads for this layer's kernels; set by the model that holds it.</summary>
    public WorkerPool Workers { get; set; } = WorkerPool.Serial;

    /// <summary>Train mode (the default) or eval mode, as PyTorch's <c>module.training</c>: Dropout and BatchNorm behave differently.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Train mode, or with <paramref name="mode"/> false eval mode (PyTorch's <c>module.train(mode)</c>).</summary>
    public void Train(bool mode = true) => Training = mode;

    /// <summary>Eval mode (PyTorch's <c>module.eval()</c>).</summary>
    public void Eval() => Training = false;

    /// <summary>The per-sample output shape for a per-sample input shape; throws on a mismatch.</summary>
    public abstract int[] OutputShape(int[] inputShape);

    /// <summary>Writes the output <paramref name="y"/> [B, ...out] for the input <paramref name="x"/> [B, ...in].</summary>
    public abstract void Forward(Tensor x, Tensor y);

    /// <summary>From the output gradient <paramref name="dy"/>, adds the parameters' gradients into their <see cref="Parameter.Grad"/> and writes the input gradient into <paramref name="dx"/> unless it is null; <paramref name="x"/> and <paramref name="y"/> are the last forward pass's.</summary>
    public abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx);

    /// <summary>Whether the layer only gives its input another shape, values in the same order (Flatten, Unflatten), so a model may let its output be a view of its input.</summary>
    internal virtual bool ReshapesOnly => false;

    /// <summary>Set while a profile is taken (<see cref="LayerClock"/>); null otherwise, which costs nothing.</summary>
    internal LayerClock? Clock { get; set; }

    /// <summary>Multiply-adds of one forward pass per sample for the last input shape seen; the weight and the input gradient cost as many again each. 0 for layers that do no products.</summary>
    internal virtual long MultiplyAddsPerSample => 0;

    /// <summary>Marks, inside <see cref="Backward"/>, the end of the parameter gradients when a profile is taken.</summary>
    private protected void WeightGradientDone() => Clock?.WeightGradientDone();

    /// <summary>Shares, inside <see cref="Backward"/>, the time so far between the two gradients by the thread time <paramref name="split"/> holds for each.</summary>
    private protected void BackwardSplit(long[] split) => Clock?.SplitBackward(split);

    /// <summary>PyTorch-style one-line description, e.g. <c>Linear(64 → 32)</c>.</summary>
    public abstract override string ToString();
}
