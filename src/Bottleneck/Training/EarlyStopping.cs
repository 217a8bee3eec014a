namespace Bottleneck.Training;

// Early stopping on a validation loss (lower is better). State: best (+∞ at first) and bad,
// the number of epochs in a row without an improvement. After each epoch, with loss m:
//   improved ⇔ m < best − min_delta        (an improvement of more than min_delta; a NaN loss never improves)
//   if improved: best ← m, bad ← 0          else bad ← bad + 1
//   stop ⇔ bad ≥ patience
// So training stops at the end of the patience-th epoch in a row that did not improve, and
// an epoch within min_delta of the best counts as not improving and does not move best.
// This is Keras's EarlyStopping(mode="min", min_delta, patience) rule (Keras writes the
// test as m + min_delta < best, which can differ from ours in the last bit).
/// <summary>Stops training when the watched loss has not improved for <see cref="Patience"/> epochs, as Keras's EarlyStopping callback.</summary>
public sealed class EarlyStopping
{
    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }
    /// <summary>How much lower a loss must be to count as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The lowest loss that counted as an improvement (+∞ before the first epoch).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>The 1-based epoch that set <see cref="Best"/>; 0 before any improvement.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs in a row, up to the last one, without an improvement.</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>Stops after <paramref name="patience"/> epochs without an improvement of more than <paramref name="minDelta"/>.</summary>
    public EarlyStopping(int patience, double minDelta = 0)
    {
        if (patience < 1) throw new ArgumentException($"early-stopping patience must be at least 1 epoch, got {patience}");
        if (!(minDelta >= 0) || double.IsInfinity(minDelta)) throw new ArgumentException($"early-stopping min_delta must be a finite number ≥ 0, got {minDelta}");
        (Patience, MinDelta) = (patience, minDelta);
    }

    /// <summary>Ends an epoch whose validation loss was <paramref name="metric"/>; true when training should stop.</summary>
    public bool Step(double metric)
    {
        Epoch++;
        if (metric < Best - MinDelta) (Best, BestEpoch, BadEpochs) = (metric, Epoch, 0);
        else BadEpochs++;
        return BadEpochs >= Patience;
    }
}
