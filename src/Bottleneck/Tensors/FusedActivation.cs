namespace Bottleneck.Tensors;

/// <summary>A function applied value by value: an activation, as a convolution's kernels see the layer that follows them.</summary>
internal interface IPointwise
{
    /// <summary>y ← f(x).</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx ← f′·dy, from the input x or the output y.</summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}

/// <summary>
/// The activation after a convolution, run inside the convolution's jobs on each run of samples while it is in the core's
/// cache, rather than as a pass of its own over the whole batch that reads it back from wherever the other thread left it
/// (the lab model's ReLUs and Sigmoid took an eighth of a training step as passes of their own). Each value's arithmetic is
/// the activation's, so the bits are the same as running the two layers one after the other. Input and Output may be one
/// tensor (in place), and so may dz and dy.
/// </summary>
/// <param name="Function">The activation.</param>
/// <param name="Input">Its input y [B, ...], the convolution's output.</param>
/// <param name="Output">Its output z = f(y) [B, ...].</param>
/// <param name="OutputGradient">dL/dz [B, ...] in a backward pass, from which the convolution's dy = f′·dz is made; null forward.</param>
internal readonly record struct FusedActivation(IPointwise Function, Tensor Input, Tensor Output, Tensor? OutputGradient = null)
{
    /// <summary>z = f(y) for samples [first, first + count).</summary>
    public void Forward(int first, int count)
    {
        int n = Input.RowSize;
        Function.Forward(Input.Data.AsSpan(first * n, count * n), Output.Data.AsSpan(first * n, count * n));
    }

    /// <summary>dy = f′·dz for samples [first, first + count): the gradient the convolution's backward pass starts from.</summary>
    public void Backward(Tensor dy, int first, int count)
    {
        int n = Input.RowSize;
        var dz = OutputGradient ?? throw new InvalidOperationException("a fused activation's backward needs dL/dz");
        Function.Backward(Input.Data.AsSpan(first * n, count * n), Output.Data.AsSpan(first * n, count * n), dz.Data.AsSpan(first * n, count * n),
                          dy.Data.AsSpan(first * n, count * n));
    }
}
