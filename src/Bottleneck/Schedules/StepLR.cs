using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// StepLR, PyTorch semantics: after epoch t (t = 1, 2, …)
//   lr ← lr·γ   when t is a multiple of step_size, else unchanged
// i.e. lr_t = lr₀·γ^⌊t / step_size⌋ when nothing else touches the learning rate.
public sealed class StepLR : LRScheduler
{
    public int StepSize { get; }
    public double Gamma { get; }

    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        Check(stepSize, gamma);
        (StepSize, Gamma) = (stepSize, gamma);
    }

    public override void Step(double metric)
    {
        if (NextEpoch() % StepSize == 0) Optimizer.LearningRate *= Gamma;
    }

    internal static void Check(int stepSize, double gamma)
    {
        if (stepSize < 1) throw new ArgumentException($"step_size must be a whole number ≥ 1, got {stepSize}");
        Gammas.Check(gamma);
    }
}
