namespace Bottleneck.Training;

/// <summary>
/// One epoch of history. Losses are NaN when not measured (no validation set) or not finite.
/// Seconds covers the whole epoch; TrainSeconds only its training steps, which is what a
/// throughput (images per second) is measured against. LearningRate is the rate the epoch trained with.
/// </summary>
public readonly record struct EpochRecord(int Epoch, double TrainLoss, double ValLoss, double Seconds, double TrainSeconds, double LearningRate);
