using System.Text.Json.Serialization;

namespace Bottleneck.Training;

/// <summary>
/// The counters a training-state file records, as JSON written by code generated at compile time (see <see cref="Json"/>); the types they hold are
/// generated with them.
/// </summary>
[JsonSerializable(typeof(TrainingStateFile.Counters), TypeInfoPropertyName = "TrainingStateCounters")]
internal sealed partial class TrainingJson : JsonSerializerContext;
