using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// StepLR, PyTorch semantics: after epoch t (t = 1, 2, …)
//   lr ← lr·γ   when t is a multiple of step_size, else unchanged
// i.e. lr_t = lr₀·γ^⌊t / step_size⌋ when nothing else touches the learning rate.
/// <summary>Multiplies the learning rate by γ every <see cref="StepSize"/> epochs, as PyTorch's <c>StepLR</c>.</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }
    /// <summary>γ, the factor of each decay.</summary>
    public double Gamma { get; }

    /// <summary>Decays <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        Check(stepSize, gamma);
        (StepSize, Gamma) = (stepSize, gamma);
    }

    /// <inheritdoc/>
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
