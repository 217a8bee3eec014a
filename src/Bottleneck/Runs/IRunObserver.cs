using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;
using Bottleneck.Training;

namespace Bottleneck.Runs;

/// <summary>
/// What a run tells its caller while it works. The library never prints: a program shows these as it likes
/// (live bars on a terminal, plain lines in a log), a test records them, a service ignores them. Every method
/// has an empty default, so an observer implements only what it shows. Calls may come from several threads.
/// </summary>
public interface IRunObserver
{
    /// <summary>A line about the data: where it was found, what is being downloaded.</summary>
    void Data(string line) { }

    /// <summary>Something that went wrong but did not stop the run (a setting ignored, a heartbeat missed, a floor on the score).</summary>
    void Warning(string line) { }

    /// <summary>Models are about to be trained, one per label of <paramref name="plan"/>, each for its epochs over its samples per epoch.</summary>
    void TrainingStarted(TrainingPlan plan) { }

    /// <summary>A batch or an epoch of the model with this label is done.</summary>
    void Training(string label, TrainingProgress progress) { }

    /// <summary>A study of <see cref="StudyPlan.Trials"/> trials starts (or resumes).</summary>
    void StudyStarted(StudyPlan plan) { }

    /// <summary>A trial's fold or epoch of the study is done.</summary>
    void Study(StudyProgress progress) { }

    /// <summary>A study is done (or stopped), its report written.</summary>
    void StudyFinished(StudyRunResult result) { }

    /// <summary>A trained model is about to be studied.</summary>
    void ModelStudyStarted(ModelStudyPlan plan) { }

    /// <summary>Points are about to be mapped to 2-D.</summary>
    void EmbedStarted(EmbedPlan plan) { }

    /// <summary>A level of a robustness curve is measured.</summary>
    void Robustness(Corruption corruption, RobustnessLevel level) { }

    /// <summary>A pipeline phase starts; <paramref name="kept"/> when it was finished before with the same settings and is kept as it is.</summary>
    void Phase(PhaseSpec phase, bool kept) { }

    /// <summary>A pipeline phase is done (or kept): what the pipeline's results record of it.</summary>
    void PhaseFinished(PhaseSpec phase, PipelineReport.Phase result) { }
}

/// <summary>An observer that shows nothing.</summary>
public sealed class SilentObserver : IRunObserver
{
    /// <summary>The one instance.</summary>
    public static SilentObserver Instance { get; } = new();
}
