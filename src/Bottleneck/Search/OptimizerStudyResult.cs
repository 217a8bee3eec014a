using Bottleneck.Data;

namespace Bottleneck.Search;

/// <summary>An optimizer study's outcome: every run, and the optimizers ranked by mean test MSE.</summary>
/// <param name="Settings">The protocol the study ran.</param>
/// <param name="Data">What it trained on.</param>
/// <param name="Runs">Every run, in planned order.</param>
/// <param name="Ranking">One summary per optimizer, best first.</param>
/// <param name="Cancelled">Whether the study was stopped before every run finished.</param>
/// <param name="Seconds">Wall time of the study.</param>
public sealed record OptimizerStudyResult(
    OptimizerStudySettings Settings,
    DataSummary Data,
    IReadOnlyList<OptimizerRun> Runs,
    IReadOnlyList<OptimizerSummary> Ranking,
    bool Cancelled,
    double Seconds)
{
    /// <summary>The data's warnings, then one for each optimizer that scored no better than predicting the mean training sample.</summary>
    public IReadOnlyList<string> Warnings =>
    [
        .. Data.Warnings,
        .. Ranking.Select(r => Data.Baselines.WorseThanMean(r.MeanTestMse, Optimizers.OptimizerSettings.DisplayName(r.Optimizer))).OfType<string>(),
    ];
}

/// <summary>What the study trained on, after scaling and splitting.</summary>
/// <param name="MseFloor">
/// The lowest test MSE any model with this output activation can reach: outputs confined to
/// [0, 1] cannot follow targets outside it. Zero when the output is unbounded.
/// </param>
/// <param name="OutOfRangeFraction">The share of test values outside [0, 1] (0 when the output is unbounded).</param>
/// <param name="Baselines">The test MSE of predicting the mean training sample, and zeros: what every optimizer's score is read against.</param>
/// <param name="NegativeLosses">The loss is BCE and some targets lie outside [0, 1], where BCE is no longer a likelihood and can go below 0.</param>
/// <param name="Name">The dataset's name.</param>
/// <param name="Features">Values per sample.</param>
/// <param name="Train">Training samples.</param>
/// <param name="Test">Test samples.</param>
/// <param name="Scaler">The feature scaling applied.</param>
public sealed record DataSummary(string Name, int Features, int Train, int Test, ScalerKind Scaler, double MseFloor, double OutOfRangeFraction,
                                 MseBaselines Baselines, bool NegativeLosses)
{
    /// <summary>What the floor means, in words, when there is one, and why losses can be negative (results files keep them).</summary>
    public IReadOnlyList<string> Warnings =>
    [
        .. OutOfRangeFraction > 0
            ? [$"a sigmoid output cannot reach {OutOfRangeFraction * 100:0}% of the {(Scaler == ScalerKind.None ? "unscaled" : Scaler.Name())} test values " +
               $"(they lie outside [0, 1]), so no optimizer can get the test MSE below {MseFloor:0.####}; scale the data to [0, 1] (the minmax scaler), " +
               "or use a linear output with MSE loss"]
            : Array.Empty<string>(),
        .. NegativeLosses ? [NegativeLossNote] : Array.Empty<string>(),
    ];

    /// <summary>Why a BCE loss below 0 is not a bug.</summary>
    public const string NegativeLossNote =
        "BCE of targets outside [0, 1] is not a likelihood and can be negative (as Keras computes it on study A's standardised data), " +
        "so training and validation losses below 0 are expected here; the test MSE is the score to compare";
}
