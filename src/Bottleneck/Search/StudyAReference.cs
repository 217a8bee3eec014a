namespace Bottleneck.Search;

/// <summary>
/// Study A's published test MSEs (Keras) and the same protocol run in PyTorch 1.13 on CPU,
/// shown beside our numbers when a run uses the study's exact protocol.
/// </summary>
public static class StudyAReference
{
    /// <summary>The published Keras and the PyTorch 1.13 test MSE, per optimizer.</summary>
    public static IReadOnlyDictionary<string, (double Keras, double PyTorch)> TestMse { get; } =
        new Dictionary<string, (double, double)>
        {
            ["sgd"] = (1.118, 1.136),
            ["adam"] = (0.6906, 0.685),
            ["rmsprop"] = (0.6879, 0.685),
            ["adagrad"] = (1.126, 1.107),
        };

    /// <summary>True when the settings are study A's protocol, so the published figures are comparable.</summary>
    public static bool Applies(OptimizerStudySettings s, string dataset)
    {
        var study = new OptimizerStudySettings();
        return dataset == "digits" && s.LearningRate == study.LearningRate && s.Convention == study.Convention
            && s.Epochs == study.Epochs && s.BatchSize == study.BatchSize && s.CodeSize == study.CodeSize
            && s.Hidden.Count == 0 && s.Loss == study.Loss && s.Output == study.Output && s.Init == study.Init
            && s.Scaler == study.Scaler && s.TestFraction == study.TestFraction
            && s.Schedule is null && s.EarlyStopping is null && s.TestLimit is null;
    }
}
