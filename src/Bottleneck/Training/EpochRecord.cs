using System.Text.Json.Serialization;

namespace Bottleneck.Training;

/// <summary>
/// One epoch of history, as results files and study stores hold it. <see cref="EvalLoss"/> is the loss on the
/// held-out set the run is evaluated on after every epoch: a validation fold in a tune, the test split in train,
/// a sweep and study A (files call it <c>val_loss</c>). Losses are NaN (null in files) when not measured or not
/// finite. Seconds covers the whole epoch; TrainSeconds only its training steps, which is what a throughput
/// (images per second) is measured against. LearningRate is the rate the epoch trained with. A variational run also
/// records its terms per image, over the training epoch: the reconstruction term, the KL term and their sum, the negative
/// ELBO (for BCE in nats per image; <see cref="TrainLoss"/> weighs the KL term by β), and the held-out negative ELBO (a
/// one-sample estimate); absent for other runs.
/// </summary>
public readonly record struct EpochRecord(
    int Epoch,
    double TrainLoss,
    [property: JsonPropertyName("val_loss")] double EvalLoss,
    double Seconds,
    double TrainSeconds,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Reconstruction = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Kl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? NegativeElbo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("val_negative_elbo")] double? EvalNegativeElbo = null);
