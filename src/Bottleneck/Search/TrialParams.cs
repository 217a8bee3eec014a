using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bottleneck.Search;

/// <summary>
/// The settings one trial changes, by name (as on the command line: lr, weight-decay, …), in the
/// order the search space declares them. <see cref="Key"/> is their canonical JSON, the trial's
/// identity in the study store and the source of its seed.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class TrialParams(IReadOnlyList<KeyValuePair<string, string>> values)
{
    /// <summary>The parameters as (name, value) pairs, in the search space's order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; } = values;

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    public string this[string name] => Values.First(v => v.Key == name).Value;

    /// <summary>Whether the trial sets <paramref name="name"/>.</summary>
    public bool Has(string name) => Values.Any(v => v.Key == name);

    /// <summary>The canonical JSON of the parameters: the trial's identity in the store and the source of its seed.</summary>
    public string Key => ToJson().ToJsonString();

    /// <summary>Numbers as JSON numbers, everything else as strings.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, value) in Values)
            json[name] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                ? JsonValue.Create(number) : JsonValue.Create(value);
        return json;
    }

    /// <summary>Reads a trial's key (or any JSON object of its parameters); <see cref="JsonException"/> when it is not one.</summary>
    public static TrialParams FromJson(string key) => FromJson(JsonNode.Parse(key) as JsonObject ?? throw new JsonException("a trial's parameters are a JSON object"));

    /// <summary>Reads a JSON object of parameters (numbers or strings); <see cref="JsonException"/> for anything else.</summary>
    public static TrialParams FromJson(JsonObject json) => new([.. json.Select(kv => KeyValuePair.Create(kv.Key,
        kv.Value is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? Format(value.GetValue<double>())
        : kv.Value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>()
        : throw new JsonException($"parameter '{kv.Key}' is neither a number nor a string")))]);

    /// <summary>The shortest text that reads back to the same number, with a lower-case exponent: 1e-5, 0.001, 20.</summary>
    public static string Format(double v) =>
        v.ToString("R", CultureInfo.InvariantCulture).Replace("E-0", "e-").Replace("E+0", "e+").Replace("E", "e");

    /// <inheritdoc/>
    public override string ToString() => string.Join(" ", Values.Select(v => $"{v.Key}={v.Value}"));

    // As results files and study stores hold it: the JSON object of the parameters.
    internal sealed class Converter : JsonConverter<TrialParams>
    {
        public override TrialParams Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            FromJson(JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("a trial's parameters are a JSON object"));

        public override void Write(Utf8JsonWriter writer, TrialParams value, JsonSerializerOptions options) => value.ToJson().WriteTo(writer, options);
    }
}
