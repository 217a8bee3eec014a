using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bottleneck;

/// <summary>
/// How Bottleneck writes JSON (results files, study stores, checkpoint metadata): snake_case keys in the order
/// a record declares them, enums as lowercase words, non-finite numbers as null (JSON cannot hold NaN or ∞;
/// null reads back as NaN), indented, non-ASCII text as itself.
/// </summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FiniteDouble(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>A number node, or null for NaN and infinities, which JSON cannot hold.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>Indented text with a final line break, for a file.</summary>
    public static string Serialize(JsonNode node) => node.ToJsonString(Options) + "\n";

    /// <summary>A record as indented text with a final line break, for a file.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>A record as one line (a study store's row).</summary>
    public static string Compact<T>(T value) => JsonSerializer.Serialize(value, CompactOptions);

    /// <summary>Reads a record; <see cref="JsonException"/> when the text is not JSON of its shape.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    public static T Deserialize<T>(JsonNode node) =>
        node.Deserialize<T>(Options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    private static readonly JsonSerializerOptions CompactOptions = new(Options) { WriteIndented = false };

    // NaN and ±∞ as null; null as NaN.
    private sealed class FiniteDouble() : NonFiniteAsNull(double.NaN);

}
