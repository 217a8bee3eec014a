using Bottleneck.Tensors;

namespace Bottleneck.Losses;

/// <summary>A loss averaged over every element of the batch (PyTorch's reduction='mean').</summary>
public abstract class Loss
{
    public abstract string Name { get; }

    // pred, target: [B, ...] → mean loss
    public abstract double Forward(Tensor pred, Tensor target);

    // grad ← d(mean loss)/d(pred), same shape as pred
    public abstract void Backward(Tensor pred, Tensor target, Tensor grad);

    public static Loss Create(string name) => name switch
    {
        "mse" => new MSELoss(),
        "bce" => new BCELoss(),
        _ => throw new ArgumentException($"unknown loss '{name}' (expected mse or bce)"),
    };

    protected static void CheckShapes(Tensor pred, Tensor target)
    {
        if (pred.Length != target.Length)
            throw new ArgumentException($"prediction has {pred.Length} values, target {target.Length}");
    }
}
