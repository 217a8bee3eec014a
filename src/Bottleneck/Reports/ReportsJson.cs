using System.Text.Json.Serialization;

namespace Bottleneck.Reports;

/// <summary>
/// The records of results files, provenance and invocations, as JSON written by code generated at compile time (see <see cref="Json"/>); the types they hold are
/// generated with them.
/// </summary>
[JsonSerializable(typeof(TrainReport.Results), TypeInfoPropertyName = "TrainResults")]
[JsonSerializable(typeof(AnomalyReport.Results), TypeInfoPropertyName = "AnomalyResults")]
[JsonSerializable(typeof(AnomalyScoreReport.Results), TypeInfoPropertyName = "AnomalyScoreResults")]
[JsonSerializable(typeof(PipelineReport.Results), TypeInfoPropertyName = "PipelineResults")]
[JsonSerializable(typeof(OptimizerStudyReport.Results), TypeInfoPropertyName = "OptimizerStudyResults")]
[JsonSerializable(typeof(StudyReport.Results), TypeInfoPropertyName = "StudyResults")]
[JsonSerializable(typeof(EmbedReport.Results), TypeInfoPropertyName = "EmbedResults")]
[JsonSerializable(typeof(GenerateReport.Results), TypeInfoPropertyName = "GenerateResults")]
[JsonSerializable(typeof(EncodeReport.Results), TypeInfoPropertyName = "EncodeResults")]
[JsonSerializable(typeof(RobustnessReport.Results), TypeInfoPropertyName = "RobustnessResults")]
[JsonSerializable(typeof(Provenance))]
[JsonSerializable(typeof(Invocation))]
// Reached from the records above, listed for their names only: the generator names metadata by a type's short name.
[JsonSerializable(typeof(TrainReport.Settings), TypeInfoPropertyName = "TrainSettings")]
[JsonSerializable(typeof(AnomalyReport.Settings), TypeInfoPropertyName = "AnomalySettings")]
[JsonSerializable(typeof(OptimizerStudyReport.Settings), TypeInfoPropertyName = "OptimizerStudyReportSettings")]
[JsonSerializable(typeof(EmbedReport.Settings), TypeInfoPropertyName = "EmbedSettings")]
[JsonSerializable(typeof(EncodeReport.Settings), TypeInfoPropertyName = "EncodeSettings")]
[JsonSerializable(typeof(RobustnessReport.Settings), TypeInfoPropertyName = "RobustnessSettings")]
[JsonSerializable(typeof(TrainReport.ModelInfo), TypeInfoPropertyName = "TrainModelInfo")]
[JsonSerializable(typeof(RobustnessReport.ModelInfo), TypeInfoPropertyName = "RobustnessModelInfo")]
internal sealed partial class ReportsJson : JsonSerializerContext;
