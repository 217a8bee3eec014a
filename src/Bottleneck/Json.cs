using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Bottleneck;

/// <summary>
/// How Bottleneck writes JSON (results files, study stores, checkpoint metadata): snake_case keys in the order
/// a record declares them, enums as lowercase words, non-finite numbers as null (JSON cannot hold NaN or ∞;
/// null reads back as NaN), indented, non-ASCII text as itself.
/// A record is written from metadata generated at compile time by its part's context (<c>Search/SearchJson</c>, ...), named in
/// each call: the shipped command is compiled ahead of time (Native AOT), where serialisation by reflection is not available, and
/// every build has it switched off, so a record its context does not list fails its tests.
/// </summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FiniteDouble() },
    };

    /// <summary>A number node, or null for NaN and infinities, which JSON cannot hold.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>Indented text with a final line break, for a file.</summary>
    public static string Serialize(JsonNode node) => node.ToJsonString(Options) + "\n";

    /// <summary>A record as indented text with a final line break, for a file; <paramref name="records"/> is the context that lists it.</summary>
    public static string Serialize<T>(T value, IJsonTypeInfoResolver records) => JsonSerializer.Serialize(value, Info<T>(records, indented: true)) + "\n";

    /// <summary>A record as one line (a study store's row).</summary>
    public static string Compact<T>(T value, IJsonTypeInfoResolver records) => JsonSerializer.Serialize(value, Info<T>(records, indented: false));

    /// <summary>Reads a record; <see cref="JsonException"/> when the text is not JSON of its shape.</summary>
    public static T Deserialize<T>(string json, IJsonTypeInfoResolver records) =>
        JsonSerializer.Deserialize(json, Info<T>(records, indented: true)) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    /// <summary>Reads a record from a node; <see cref="JsonException"/> when it is not of the record's shape.</summary>
    public static T Deserialize<T>(JsonNode node, IJsonTypeInfoResolver records) =>
        node.Deserialize(Info<T>(records, indented: true)) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    // These options with a context's metadata, made once per context: metadata is built when an options instance first meets a type.
    private static readonly ConcurrentDictionary<IJsonTypeInfoResolver, (JsonSerializerOptions Indented, JsonSerializerOptions Compact)> WithRecords = new();

    // NotSupportedException names a type the context does not list.
    private static JsonTypeInfo<T> Info<T>(IJsonTypeInfoResolver records, bool indented)
    {
        var (indentedOptions, compactOptions) = WithRecords.GetOrAdd(records, r =>
            (new JsonSerializerOptions(Options) { TypeInfoResolver = r }, new JsonSerializerOptions(Options) { TypeInfoResolver = r, WriteIndented = false }));
        return (JsonTypeInfo<T>)(indented ? indentedOptions : compactOptions).GetTypeInfo(typeof(T));
    }

    // NaN and ±∞ as null; null as NaN.
    private sealed class FiniteDouble() : NonFiniteAsNull(double.NaN);

}
