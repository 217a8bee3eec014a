using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// ExponentialLR, PyTorch semantics: after every epoch
//   lr ← lr·γ
// i.e. lr_t = lr₀·γᵗ up to rounding (PyTorch multiplies step by step, and so do we).
public sealed class ExponentialLR : LRScheduler
{
    public double Gamma { get; }

    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
    {
        Gammas.Check(gamma);
        Gamma = gamma;
    }

    public override void Step(double metric)
    {
        NextEpoch();
        Optimizer.LearningRate *= Gamma;
    }
}
