using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.Optimizers;

namespace Bottleneck.Schedules;

/// <summary>
/// A learning-rate schedule as the command line writes it: a kind, then optional
/// <c>key=value</c> settings named as PyTorch's arguments:
/// <code>
/// none
/// plateau[:mode=min,factor=0.1,patience=10,threshold=1e-4,threshold_mode=rel,cooldown=0,min_lr=0,eps=1e-8]
/// step:step_size=10[,gamma=0.1]
/// exponential:gamma=0.95
/// cosine[:t_max=50,eta_min=0]          (t_max defaults to the number of epochs)
/// </code>
/// Kinds, keys and mode values are case-insensitive; settings may come in any order.
/// <see cref="ToString"/> gives the canonical text: the kind and every setting, defaults
/// included, in the order above (cosine's t_max only when it was given), so two texts
/// that mean the same schedule give the same string, and it parses back to an equal spec.
/// </summary>
[JsonConverter(typeof(ScheduleSpecJson))]
public sealed class ScheduleSpec : IEquatable<ScheduleSpec>
{
    private enum SettingType { Int, Number, Choice }

    private sealed record Setting(string Key, SettingType Type, object? Default, params string[] Choices);

    // Each kind's settings in canonical order; a null default is required (or, for t_max, the epochs).
    private static readonly Dictionary<string, Setting[]> Known = new()
    {
        ["plateau"] =
        [
            new("mode", SettingType.Choice, "min", "min", "max"),
            new("factor", SettingType.Number, 0.1),
            new("patience", SettingType.Int, 10),
            new("threshold", SettingType.Number, 1e-4),
            new("threshold_mode", SettingType.Choice, "rel", "rel", "abs"),
            new("cooldown", SettingType.Int, 0),
            new("min_lr", SettingType.Number, 0.0),
            new("eps", SettingType.Number, 1e-8),
        ],
        ["step"] = [new("step_size", SettingType.Int, null), new("gamma", SettingType.Number, 0.1)],
        ["exponential"] = [new("gamma", SettingType.Number, null)],
        ["cosine"] = [new("t_max", SettingType.Int, null), new("eta_min", SettingType.Number, 0.0)],
        ["none"] = [],
    };

    private static readonly Dictionary<string, string> Examples = new()
    {
        ["step"] = "step:step_size=10,gamma=0.5",
        ["exponential"] = "exponential:gamma=0.95",
    };

    private readonly Dictionary<string, object> _values;

    private ScheduleSpec(string kind, Dictionary<string, object> values, string source) => (Kind, _values, Source) = (kind, values, source);

    /// <summary>The kinds <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["plateau", "step", "exponential", "cosine", "none"];

    /// <summary>No schedule: the learning rate stays as it is.</summary>
    public static ScheduleSpec None { get; } = new("none", [], "none");

    /// <summary>plateau, step, exponential, cosine or none.</summary>
    public string Kind { get; }

    /// <summary>The text it was read from, as given: what settings and study definitions record.</summary>
    public string Source { get; }

    /// <summary>Reads a schedule; a bad kind, key or value throws an <see cref="ArgumentException"/> with a one-line message.</summary>
    public static ScheduleSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        if (!Known.TryGetValue(kind, out var settings))
            throw new ArgumentException($"unknown schedule '{kind}' (expected plateau, step, exponential, cosine or none)");

        var values = new Dictionary<string, object>();
        string[] items = colon < 0 ? [] : text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string item in items)
        {
            if (settings.Length == 0) throw new ArgumentException($"{kind} takes no settings, got '{item}'");
            int eq = item.IndexOf('=');
            string key = (eq < 0 ? item : item[..eq]).Trim().ToLowerInvariant();
            var setting = settings.FirstOrDefault(s => s.Key == key)
                ?? throw new ArgumentException($"{kind} has no setting '{key}' (it takes {string.Join(", ", settings.Select(s => s.Key))})");
            if (eq < 0 || item[(eq + 1)..].Trim().Length == 0)
                throw new ArgumentException($"{kind} setting '{key}' has no value (write {key}=value)");
            if (values.ContainsKey(key)) throw new ArgumentException($"{kind} setting '{key}' is given twice");
            values[key] = Value(kind, setting, item[(eq + 1)..].Trim());
        }

        foreach (var setting in settings)
        {
            if (values.ContainsKey(setting.Key)) continue;
            if (setting.Default is not null) values[setting.Key] = setting.Default;
            else if (!(kind == "cosine" && setting.Key == "t_max"))
                throw new ArgumentException($"{kind} needs {setting.Key}, e.g. {Examples[kind]}");
        }

        var spec = new ScheduleSpec(kind, values, text);
        try { spec.Check(); }
        catch (ArgumentException e) { throw new ArgumentException($"{kind} {e.Message}"); }
        return spec;
    }

    /// <summary>
    /// The scheduler for a run of <paramref name="epochs"/> epochs (cosine's default t_max),
    /// driving <paramref name="optimizer"/>'s learning rate; null for <c>none</c>.
    /// </summary>
    public LRScheduler? Create(Optimizer optimizer, int epochs)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {epochs}");
        return Kind switch
        {
            "plateau" => new ReduceLROnPlateau(optimizer, Text("mode"), Number("factor"), Int("patience"), Number("threshold"),
                                               Text("threshold_mode"), Int("cooldown"), Number("min_lr"), Number("eps")),
            "step" => new StepLR(optimizer, Int("step_size"), Number("gamma")),
            "exponential" => new ExponentialLR(optimizer, Number("gamma")),
            "cosine" => new CosineAnnealingLR(optimizer, _values.ContainsKey("t_max") ? Int("t_max") : epochs, Number("eta_min")),
            _ => null,
        };
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var given = Known[Kind].Where(s => _values.ContainsKey(s.Key)).Select(s => $"{s.Key}={Format(_values[s.Key])}").ToList();
        return given.Count == 0 ? Kind : $"{Kind}:{string.Join(",", given)}";
    }

    /// <summary>Equal when both describe the same schedule with the same values.</summary>
    public bool Equals(ScheduleSpec? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ScheduleSpec);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    // The schedulers' own argument checks, so the command line refuses what the constructors would.
    private void Check()
    {
        switch (Kind)
        {
            case "plateau":
                ReduceLROnPlateau.Check(Text("mode"), Number("factor"), Int("patience"), Number("threshold"),
                                        Text("threshold_mode"), Int("cooldown"), Number("min_lr"), Number("eps"));
                break;
            case "step": StepLR.Check(Int("step_size"), Number("gamma")); break;
            case "exponential": Gammas.Check(Number("gamma")); break;
            case "cosine": CosineAnnealingLR.Check(_values.TryGetValue("t_max", out var t) ? (int)t : 1, Number("eta_min")); break;
        }
    }

    private int Int(string key) => (int)_values[key];
    private double Number(string key) => (double)_values[key];
    private string Text(string key) => (string)_values[key];

    private static object Value(string kind, Setting setting, string text)
    {
        switch (setting.Type)
        {
            case SettingType.Int:
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i
                    : throw new ArgumentException($"{kind} {setting.Key} must be a whole number, got '{text}'");
            case SettingType.Number:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d
                    : throw new ArgumentException($"{kind} {setting.Key} must be a number, got '{text}'");
            default:
                string choice = text.ToLowerInvariant();
                return setting.Choices.Contains(choice) ? choice
                    : throw new ArgumentException($"{kind} {setting.Key} must be {string.Join(" or ", setting.Choices)}, got '{text}'");
        }
    }

    // Shortest text that reads back as the same double, with a short exponent: 0.5, 1e-8, 2.5e20.
    private static string Format(object value)
    {
        if (value is not double d) return Convert.ToString(value, CultureInfo.InvariantCulture)!;
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        return e < 0 ? s : $"{s[..e]}e{int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)}";
    }
}

/// <summary>A schedule in a JSON file is its canonical text (<c>"plateau:mode=min,factor=0.1,…"</c>), read back with <see cref="ScheduleSpec.Parse"/>.</summary>
internal sealed class ScheduleSpecJson : JsonConverter<ScheduleSpec>
{
    public override ScheduleSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? throw new JsonException("a schedule is a string");
        try
        {
            return ScheduleSpec.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message);
        }
    }

    public override void Write(Utf8JsonWriter writer, ScheduleSpec value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
