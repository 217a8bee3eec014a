namespace Bottleneck.Training;

/// <summary>One epoch of history. Losses are NaN when not measured (no validation set) or not finite.</summary>
public readonly record struct EpochRecord(int Epoch, double TrainLoss, double ValLoss, double Seconds);
