namespace Bottleneck.Search;

/// <summary>How a study stops unpromising trials early.</summary>
public enum Pruner
{
    /// <summary>Every trial trains its full budget.</summary>
    None,
    /// <summary>
    /// Synchronous successive halving: every trial at the first rung's budget, then the best 1/η of them at the next, rung by
    /// rung. Deterministic, but every rung waits for its slowest trial.
    /// </summary>
    Halving,
    /// <summary>
    /// Asynchronous successive halving (ASHA, Li et al. 2020): a trial goes on to the next rung as soon as it is in the best
    /// 1/η of the results seen so far at its rung, so no worker waits at a rung. Reproducible with one worker.
    /// </summary>
    Asha,
}
