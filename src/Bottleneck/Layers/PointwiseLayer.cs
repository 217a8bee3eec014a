using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// A layer that maps every value on its own:  y[i] = f(x[i]);  dx[i] = f′ · dy[i], from x[i] or y[i].  x, y: [B, ...]
// Activations are this. The tensor is cut into runs of 16,384 values that the layer's workers share out; each
// value's arithmetic is the same whoever computes it, so no result depends on the thread count.
/// <summary>A layer that maps every value on its own (the activations); subclass it with a forward and a backward over spans.</summary>
public abstract class PointwiseLayer : Layer, IPointwise
{
    private const int RunLength = 16384;

    /// <inheritdoc/>
    public sealed override int[] OutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc/>
    public sealed override void Forward(Tensor x, Tensor y) =>
        Workers.For(Chunks.OfSize(x.Length, RunLength).Count, new ForwardJob(this, x.Data, y.Data));

    /// <inheritdoc/>
    public sealed override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Workers.For(Chunks.OfSize(x.Length, RunLength).Count, new BackwardJob(this, x.Data, y.Data, dy.Data, dx.Data));
    }

    /// <summary>y ← f(x) for one run of values.</summary>
    protected abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx ← f′·dy for one run of values, from the layer's input <paramref name="x"/> or output <paramref name="y"/>.</summary>
    protected abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>
    /// Whether <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> gives the same bits with the output y passed as x: it reads y, or x only through
    /// x &gt; 0, which y &gt; 0 answers alike. Such an activation can overwrite its input (the model fuses it into a convolution).
    /// </summary>
    internal virtual bool BackwardFromOutput => false;

    /// <summary>Set by the model when this layer runs inside the convolution before it (<see cref="FusedActivation"/>) and so takes no time of its own.</summary>
    internal bool InsideConvolution { get; set; }

    void IPointwise.Forward(ReadOnlySpan<float> x, Span<float> y) => Forward(x, y);

    void IPointwise.Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Backward(x, y, dy, dx);

    private static (int Start, int Count) Run(int length, int index) => Chunks.OfSize(length, RunLength)[index];

    private readonly struct ForwardJob(PointwiseLayer layer, float[] x, float[] y) : IParallelJob
    {
        public void Run(int index)
        {
            var (start, count) = PointwiseLayer.Run(x.Length, index);
            layer.Forward(x.AsSpan(start, count), y.AsSpan(start, count));
        }
    }

    private readonly struct BackwardJob(PointwiseLayer layer, float[] x, float[] y, float[] dy, float[] dx) : IParallelJob
    {
        public void Run(int index)
        {
            var (start, count) = PointwiseLayer.Run(x.Length, index);
            layer.Backward(x.AsSpan(start, count), y.AsSpan(start, count), dy.AsSpan(start, count), dx.AsSpan(start, count));
        }
    }
}
