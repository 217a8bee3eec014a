using Bottleneck.Tensors;

namespace Bottleneck.Losses;

/// <summary>A loss averaged over every element of the batch (PyTorch's reduction='mean').</summary>
public abstract class Loss
{
    public abstract LossFunction Function { get; }

    // pred, target: [B, ...] → mean loss
    public abstract double Forward(Tensor pred, Tensor target);

    // grad ← d(mean loss)/d(pred), same shape as pred
    public abstract void Backward(Tensor pred, Tensor target, Tensor grad);

    protected static void CheckShapes(Tensor pred, Tensor target)
    {
        if (pred.Length != target.Length)
            throw new ArgumentException($"prediction has {pred.Length} values, target {target.Length}");
    }
}
