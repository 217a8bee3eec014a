using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// CosineAnnealingLR (Loshchilov & Hutter's SGDR without restarts), PyTorch semantics.
// The schedule it follows, with lr₀ the initial learning rate:
//   lr_t = η_min + (lr₀ − η_min)·(1 + cos(π·t / T_max)) / 2
// PyTorch computes it recursively from the current learning rate after epoch t:
//   lr ← lr + (lr₀ − η_min)·(1 − cos(π / T_max)) / 2                           when (t − 1 − T_max) mod 2·T_max = 0
//   lr ← (1 + cos(π·t / T_max)) / (1 + cos(π·(t − 1) / T_max))·(lr − η_min) + η_min   otherwise
// The first line is the step out of each trough (t = T_max + 1, 3·T_max + 1, …), where the
// ratio's denominator is 0. Past T_max the learning rate climbs back to lr₀ by t = 2·T_max
// and keeps oscillating with period 2·T_max; it does not stay at η_min.
// The recursion and the closed form agree to a few 1e-15 relative, but not bit for bit;
// we use the recursion, in PyTorch's order of operations, so the values are PyTorch's.
/// <summary>Cosine annealing from the initial rate down to <see cref="EtaMin"/> over <see cref="TMax"/> epochs, as PyTorch's <c>CosineAnnealingLR</c>.</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Epochs of one half-period.</summary>
    public int TMax { get; }
    /// <summary>The lowest learning rate.</summary>
    public double EtaMin { get; }

    /// <summary>Anneals <paramref name="optimizer"/>'s rate over <paramref name="tMax"/> epochs down to <paramref name="etaMin"/>.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        Check(tMax, etaMin);
        (TMax, EtaMin) = (tMax, etaMin);
    }

    /// <inheritdoc/>
    public override void Step(double metric)
    {
        int t = NextEpoch();
        double lr = Optimizer.LearningRate;
        Optimizer.LearningRate = (t - 1L - TMax) % (2L * TMax) == 0
            ? lr + (InitialLearningRate - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2
            : (1 + Math.Cos(Math.PI * t / TMax)) / (1 + Math.Cos(Math.PI * (t - 1) / TMax)) * (lr - EtaMin) + EtaMin;
    }

    internal static void Check(int tMax, double etaMin)
    {
        if (tMax < 1) throw new ArgumentException($"t_max must be a whole number ≥ 1, got {tMax}");
        if (!(etaMin >= 0) || double.IsInfinity(etaMin)) throw new ArgumentException($"eta_min must be a finite number ≥ 0, got {etaMin}");
    }
}
