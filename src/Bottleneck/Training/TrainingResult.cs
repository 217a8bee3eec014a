namespace Bottleneck.Training;

public sealed record TrainingResult(RunStatus Status, IReadOnlyList<EpochRecord> Epochs, string? Message)
{
    public double FinalTrainLoss => Epochs.Count > 0 ? Epochs[^1].TrainLoss : double.NaN;
    public double FinalValLoss => Epochs.Count > 0 ? Epochs[^1].ValLoss : double.NaN;
}
