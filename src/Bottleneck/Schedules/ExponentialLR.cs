using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// ExponentialLR, PyTorch semantics: after every epoch
//   lr ← lr·γ
// i.e. lr_t = lr₀·γᵗ up to rounding (PyTorch multiplies step by step, and so do we).
/// <summary>Multiplies the learning rate by γ every epoch, as PyTorch's <c>ExponentialLR</c>.</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>γ, the factor per epoch.</summary>
    public double Gamma { get; }

    /// <summary>Decays <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> every epoch.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
    {
        Gammas.Check(gamma);
        Gamma = gamma;
    }

    /// <inheritdoc/>
    public override void Step(double metric)
    {
        NextEpoch();
        Optimizer.LearningRate *= Gamma;
    }
}
