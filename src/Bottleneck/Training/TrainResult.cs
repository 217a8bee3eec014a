using Bottleneck.Models;

namespace Bottleneck.Training;

/// <summary>
/// How a training run went: the trained model and its architecture, how it ended, its history epoch by epoch, and its score on
/// the test split (MSE; NaN when it diverged). <see cref="ImagesPerSecond"/> counts training steps only.
/// </summary>
public sealed record TrainResult(Autoencoder Model, ModelSpec Spec, RunStatus Status, IReadOnlyList<EpochRecord> Epochs, string? Message,
                                 double TestMse, double ImagesPerSecond, double Seconds)
{
    /// <summary>The run as it stood at the end of its last finished epoch: what <c>train --resume</c> goes on from.</summary>
    public TrainingState? State { get; init; }

    /// <summary>A sparse autoencoder's share of code values near zero (|z| &lt; <see cref="Losses.CodeL1.NearZero"/>) over the test set; null without the penalty.</summary>
    public double? CodeNearZeroFraction { get; init; }

    /// <summary>Where the training time went, when <see cref="TrainSettings.Profile"/> asked for it; null otherwise.</summary>
    public TrainingProfile? Profile { get; init; }

    /// <summary>The training loss of the last epoch (NaN before the first).</summary>
    public double FinalTrainLoss => Epochs.Count > 0 ? Epochs[^1].TrainLoss : double.NaN;
    /// <summary>The test loss of the last epoch (NaN before the first).</summary>
    public double FinalEvalLoss => Epochs.Count > 0 ? Epochs[^1].EvalLoss : double.NaN;
}
