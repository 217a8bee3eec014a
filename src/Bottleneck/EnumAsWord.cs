using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bottleneck;

/// <summary>
/// An enum written in JSON as its value's snake_case word (<c>completed</c>, <c>diverged</c>), put on the enum itself; the
/// generic converter needs no code made at run time, which the ahead-of-time compiled command cannot make.
/// </summary>
internal sealed class EnumAsWord<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower) where TEnum : struct, Enum;
