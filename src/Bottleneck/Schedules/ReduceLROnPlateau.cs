using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

// ReduceLROnPlateau, PyTorch 1.13 semantics. State: best (starts at +∞ in mode min, −∞ in
// mode max), bad (num_bad_epochs) and cooldown (cooldown_counter), both starting at 0.
// After each epoch, with metric m:
//   if better(m, best): best ← m, bad ← 0          else bad ← bad + 1
//   if cooldown > 0:    cooldown ← cooldown − 1, bad ← 0     (bad epochs in cooldown are ignored;
//                                                             best is still tracked)
//   if bad > patience:  new ← max(lr·factor, min_lr); lr ← new only if lr − new > eps;
//                       cooldown ← cooldown setting, bad ← 0   (both even when the eps rule skips)
// better(m, best), with threshold t:
//   min, rel: m < best·(1 − t)    min, abs: m < best − t
//   max, rel: m > best·(1 + t)    max, abs: m > best + t
// So the learning rate drops on the (patience + 1)-th bad epoch in a row. A NaN metric is
// never better. In rel mode the threshold scales with best, and for a negative best it
// moves the bar the wrong way: in mode min a slightly worse value still counts as better.
/// <summary>Lowers the learning rate when the watched loss stops improving, as PyTorch's <c>ReduceLROnPlateau</c>.</summary>
public sealed class ReduceLROnPlateau : LRScheduler
{
    /// <summary>"min" (lower is better) or "max".</summary>
    public string Mode { get; }
    /// <summary>The factor the rate is multiplied by on a plateau.</summary>
    public double Factor { get; }
    /// <summary>Epochs without improvement before the rate is lowered.</summary>
    public int Patience { get; }
    /// <summary>How much better a value must be to count as an improvement.</summary>
    public double Threshold { get; }
    /// <summary>"rel" (the threshold is a fraction of the best) or "abs".</summary>
    public string ThresholdMode { get; }
    /// <summary>Epochs to wait after a reduction before counting again.</summary>
    public int Cooldown { get; }
    /// <summary>The lowest learning rate.</summary>
    public double MinLr { get; }
    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Bad epochs counted towards the next reduction (PyTorch's num_bad_epochs).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown still to come (PyTorch's cooldown_counter).</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>A plateau schedule on <paramref name="optimizer"/>, with PyTorch's arguments and defaults.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, string thresholdMode = "rel", int cooldown = 0,
                             double minLr = 0, double eps = 1e-8) : base(optimizer)
    {
        Check(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
        (Mode, Factor, Patience, Threshold, ThresholdMode, Cooldown, MinLr, Eps) =
            (mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
        Best = mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <inheritdoc/>
    public override void Step(double metric)
    {
        NextEpoch();
        if (IsBetter(metric)) (Best, BadEpochs) = (metric, 0);
        else BadEpochs++;

        if (CooldownLeft > 0) (CooldownLeft, BadEpochs) = (CooldownLeft - 1, 0);

        if (BadEpochs > Patience)
        {
            double old = Optimizer.LearningRate, reduced = Math.Max(old * Factor, MinLr);
            if (old - reduced > Eps) Optimizer.LearningRate = reduced;
            (CooldownLeft, BadEpochs) = (Cooldown, 0);
        }
    }

    private bool IsBetter(double metric) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => metric < Best * (1 - Threshold),
        ("min", _) => metric < Best - Threshold,
        (_, "rel") => metric > Best * (Threshold + 1),
        _ => metric > Best + Threshold,
    };

    // Stricter than PyTorch, which checks only factor < 1, mode and threshold_mode: every
    // value refused here is one that makes no sense (a negative patience, a factor that
    // flips the sign of the learning rate, a relative threshold of 100 % or more).
    internal static void Check(string mode, double factor, int patience, double threshold, string thresholdMode,
                               int cooldown, double minLr, double eps)
    {
        if (mode is not ("min" or "max")) throw new ArgumentException($"mode must be min or max, got '{mode}'");
        if (thresholdMode is not ("rel" or "abs")) throw new ArgumentException($"threshold_mode must be rel or abs, got '{thresholdMode}'");
        if (!(factor >= 0 && factor < 1)) throw new ArgumentException($"factor must be ≥ 0 and < 1 (the learning rate is multiplied by it), got {factor}");
        if (patience < 0) throw new ArgumentException($"patience must be a whole number ≥ 0, got {patience}");
        if (cooldown < 0) throw new ArgumentException($"cooldown must be a whole number ≥ 0, got {cooldown}");
        if (!(threshold >= 0) || double.IsInfinity(threshold)) throw new ArgumentException($"threshold must be a finite number ≥ 0, got {threshold}");
        if (thresholdMode == "rel" && threshold >= 1) throw new ArgumentException($"threshold must be < 1 in rel mode (it is a fraction of the best value), got {threshold}");
        if (!(minLr >= 0) || double.IsInfinity(minLr)) throw new ArgumentException($"min_lr must be a finite number ≥ 0, got {minLr}");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentException($"eps must be a finite number ≥ 0, got {eps}");
    }
}
