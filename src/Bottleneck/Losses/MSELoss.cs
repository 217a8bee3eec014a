using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Losses;

// MSE: L = mean((p − t)²);  dL/dp = 2(p − t)/N
/// <summary>Mean squared error, as PyTorch's <c>nn.MSELoss()</c>.</summary>
public sealed class MSELoss : Loss
{
    private float[] _diff = [];

    /// <inheritdoc/>
    public override LossFunction Function => LossFunction.Mse;

    /// <inheritdoc/>
    public override double Forward(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        if (_diff.Length < pred.Length) _diff = new float[pred.Length];
        var diff = _diff.AsSpan(0, pred.Length);
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
}
