using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>
/// The models a run is about to train: one per label (study A's optimizers, a single "train"), each for
/// <paramref name="Epochs"/> epochs over <paramref name="SamplesPerEpoch"/> training samples, evaluated on
/// <paramref name="TestSamples"/>; what is trained (<paramref name="Model"/>, e.g. "lab model, 51,605 parameters, code
/// size 20"); for study A what its scaled data allow (<paramref name="Data"/>: a floor under the test MSE); and for a resumed
/// run the epochs already done (<paramref name="ResumedEpochs"/>), which count towards <paramref name="Epochs"/>.
/// </summary>
public sealed record TrainingPlan(IReadOnlyList<string> Labels, int Epochs, int SamplesPerEpoch, int TestSamples, string Dataset, string Model, int Threads,
                                  DataSummary? Data = null, int ResumedEpochs = 0);
