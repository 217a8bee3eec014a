using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

/// <summary>JSON conventions for results files: snake_case keys, non-finite numbers as null, indented.</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A number node, or null for NaN and infinities, which JSON cannot hold.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static string Serialize(JsonNode node) => node.ToJsonString(Options) + "\n";
}
