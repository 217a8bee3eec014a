using Bottleneck.Tensors;

namespace Bottleneck.Losses;

/// <summary>A loss averaged over every element of the batch (PyTorch's reduction='mean').</summary>
public abstract class Loss
{
    /// <summary>Which of the named losses this is.</summary>
    public abstract LossFunction Function { get; }

    /// <summary>The mean loss of <paramref name="pred"/> against <paramref name="target"/>, both [B, ...].</summary>
    public abstract double Forward(Tensor pred, Tensor target);

    /// <summary>Writes d(mean loss)/d(pred) into <paramref name="grad"/>, the shape of <paramref name="pred"/>.</summary>
    public abstract void Backward(Tensor pred, Tensor target, Tensor grad);

    /// <summary>
    /// <see cref="Forward"/> and <see cref="Backward"/> in one call, as a training step wants them: the mean loss, with
    /// d(mean loss)/d(pred) written into <paramref name="grad"/>. The same numbers as the two calls; a loss may make both in
    /// one pass over the batch, shared among <paramref name="workers"/>.
    /// </summary>
    public virtual double ForwardBackward(Tensor pred, Tensor target, Tensor grad, WorkerPool workers)
    {
        double loss = Forward(pred, target);
        Backward(pred, target, grad);
        return loss;
    }

    private protected static void CheckShapes(Tensor pred, Tensor target)
    {
        if (pred.Length != target.Length)
            throw new ArgumentException($"prediction has {pred.Length} values, target {target.Length}");
    }
}
