namespace Bottleneck.Training;

/// <summary>
/// Reported after every batch; <see cref="Completed"/> is set on the last batch of an
/// epoch, once validation has run. A struct, so reporting allocates nothing.
/// </summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, EpochRecord? Completed);
