using System.Text.Json.Serialization;

namespace Bottleneck.Search;

/// <summary>
/// The records a study store holds (trials, folds, promotions), as JSON written by code generated at compile time (see <see cref="Json"/>); the types they hold are
/// generated with them.
/// </summary>
[JsonSerializable(typeof(TrialResult))]
[JsonSerializable(typeof(FoldResult))]
[JsonSerializable(typeof(Promotion))]
internal sealed partial class SearchJson : JsonSerializerContext;
