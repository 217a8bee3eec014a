using System.Globalization;
using System.Text.Json.Nodes;

namespace Bottleneck.Search;

/// <summary>
/// The settings one trial changes, by name (as on the command line: lr, weight-decay, …), in the
/// order the search space declares them. <see cref="Key"/> is their canonical JSON, the trial's
/// identity in the study store and the source of its seed.
/// </summary>
public sealed class TrialParams(IReadOnlyList<KeyValuePair<string, string>> values)
{
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; } = values;

    public string this[string name] => Values.First(v => v.Key == name).Value;

    public bool Has(string name) => Values.Any(v => v.Key == name);

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

    public static TrialParams FromJson(string key)
    {
        var json = JsonNode.Parse(key)!.AsObject();
        return new TrialParams([.. json.Select(kv => KeyValuePair.Create(kv.Key,
            kv.Value!.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? Format(kv.Value.GetValue<double>()) : kv.Value.GetValue<string>()))]);
    }

    /// <summary>The shortest text that reads back to the same number, with a lower-case exponent: 1e-5, 0.001, 20.</summary>
    public static string Format(double v) =>
        v.ToString("R", CultureInfo.InvariantCulture).Replace("E-0", "e-").Replace("E+0", "e+").Replace("E", "e");

    public override string ToString() => string.Join(" ", Values.Select(v => $"{v.Key}={v.Value}"));
}
