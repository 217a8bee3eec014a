using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

/// <summary>
/// Changes an optimizer's learning rate between epochs, as PyTorch 1.13's
/// <c>torch.optim.lr_scheduler</c> does. Call <see cref="Step"/> once after every epoch
/// (after that epoch's optimizer steps) with the epoch's validation loss; afterwards
/// <see cref="LearningRate"/> equals PyTorch's <c>optimizer.param_groups[0]['lr']</c>
/// after the same number of <c>scheduler.step()</c> / <c>scheduler.step(metric)</c> calls.
/// Schedules that do not look at the metric ignore it.
/// </summary>
/// <remarks>
/// Like PyTorch's chainable schedules, each step updates the optimizer's current learning
/// rate (lr ← lr·γ, …), so a learning rate set from outside between steps carries on.
/// Constructing a schedule does not change the learning rate (PyTorch's constructor step
/// at epoch 0 leaves it as it is).
/// </remarks>
public abstract class LRScheduler
{
    private protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        InitialLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimizer whose learning rate is changed.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The optimizer's learning rate when the schedule was made (PyTorch's base_lr / initial_lr).</summary>
    public double InitialLearningRate { get; }

    /// <summary>The optimizer's current learning rate.</summary>
    public double LearningRate => Optimizer.LearningRate;

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's last_epoch).</summary>
    public int Epoch { get; private set; }

    /// <summary>Ends an epoch whose validation loss was <paramref name="metric"/>: updates the learning rate.</summary>
    public abstract void Step(double metric);

    /// <summary>Counts the epoch that <see cref="Step"/> is ending and returns its 1-based number.</summary>
    protected int NextEpoch() => ++Epoch;
}
