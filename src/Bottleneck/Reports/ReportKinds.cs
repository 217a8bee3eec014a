namespace Bottleneck.Reports;

/// <summary>Every kind of run directory Bottleneck writes; a new command's report is one line here.</summary>
public static class ReportKinds
{
    internal static IReadOnlyList<ReportKind> All { get; } =
    [
        new OptimizerStudyReport(),
        new TrainReport(),
        new StudyReport(),
        new PipelineReport(),
        new RobustnessReport(),
        new EmbedReport(),
        new EncodeReport(),
        new AnomalyReport(),
        new GenerateReport(),
        new AnomalyScoreReport(),
    ];

    /// <summary>The kind whose schema this is; null for a schema Bottleneck does not know (the page then shows what it can).</summary>
    internal static ReportKind? Find(string? schema) => All.FirstOrDefault(k => k.Schema == schema);
}
