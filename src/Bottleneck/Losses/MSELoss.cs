using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Losses;

// MSE: L = mean((p − t)²);  dL/dp = 2(p − t)/N
/// <summary>Mean squared error, as PyTorch's <c>nn.MSELoss()</c>.</summary>
/// <remarks>
/// The loss is <see cref="TensorPrimitives.SumOfSquares{T}(ReadOnlySpan{T})"/> of p − t over the whole batch, as every
/// release has computed it, so a study's numbers stay those of earlier releases. In a training step
/// (<see cref="ForwardBackward"/>) the differences and the gradient are made run by run of samples, by the thread whose
/// kernels made that run of the prediction, and only the sum is left to one thread.
/// </remarks>
public sealed class MSELoss : Loss
{
    // Below this many values one thread does it all: waking the others would cost more than they save.
    private const int ParallelFrom = 16384;
    private float[] _diff = [];

    /// <inheritdoc/>
    public override LossFunction Function => LossFunction.Mse;

    /// <inheritdoc/>
    public override double Forward(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        var diff = Differences(pred);
        TensorPrimitives.Subtract(pred.Span, target.Span, diff);
        return (double)TensorPrimitives.SumOfSquares<float>(diff) / pred.Length;
    }

    /// <inheritdoc/>
    public override void Backward(Tensor pred, Tensor target, Tensor grad)
    {
        CheckShapes(pred, target);
        TensorPrimitives.Subtract(pred.Span, target.Span, grad.Span);
        TensorPrimitives.Multiply(grad.Span, 2f / pred.Length, grad.Span);
    }

    /// <inheritdoc/>
    public override double ForwardBackward(Tensor pred, Tensor target, Tensor grad, WorkerPool workers)
    {
        CheckShapes(pred, target);
        if (grad.Length != pred.Length) throw new ArgumentException($"prediction has {pred.Length} values, gradient {grad.Length}");
        var diff = Differences(pred);
        var pool = pred.Length >= ParallelFrom ? workers : WorkerPool.Serial;
        pool.For(Conv.SampleChunks(pred.Rows).Count, new RunJob(pred, target, _diff, grad));
        return (double)TensorPrimitives.SumOfSquares<float>(diff) / pred.Length;
    }

    private Span<float> Differences(Tensor pred)
    {
        if (_diff.Length < pred.Length) _diff = new float[pred.Length];
        return _diff.AsSpan(0, pred.Length);
    }

    // Run r of samples: diff = p − t, and grad = 2·diff/N, each value as Forward and Backward make it.
    private readonly struct RunJob(Tensor pred, Tensor target, float[] diff, Tensor grad) : IParallelJob
    {
        public void Run(int run)
        {
            var (first, count) = Conv.SampleChunks(pred.Rows)[run];
            int start = first * pred.RowSize, length = count * pred.RowSize;
            var d = diff.AsSpan(start, length);
            TensorPrimitives.Subtract(pred.Data.AsSpan(start, length), target.Data.AsSpan(start, length), d);
            TensorPrimitives.Multiply(d, 2f / pred.Length, grad.Data.AsSpan(start, length));
        }
    }
}
