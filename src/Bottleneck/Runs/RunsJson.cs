using System.Text.Json.Serialization;

namespace Bottleneck.Runs;

/// <summary>
/// What a run records of itself to go on with (a training state's settings, an optimizer study's), as JSON written by code generated at compile time (see <see cref="Json"/>); the types they hold are
/// generated with them.
/// </summary>
[JsonSerializable(typeof(OptimizersRun.Recorded), TypeInfoPropertyName = "OptimizersRecorded")]
[JsonSerializable(typeof(TrainRun.Recorded), TypeInfoPropertyName = "TrainRecorded")]
internal sealed partial class RunsJson : JsonSerializerContext;
