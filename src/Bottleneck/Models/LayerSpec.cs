using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>
/// One layer as a model file writes it: a type and its settings, e.g. <c>conv2d</c> with
/// out 8, kernel 3, stride 2, padding 1. Input sizes are not written: they follow from the
/// layer before. <see cref="Create"/> makes the layer for a given per-sample input shape.
/// </summary>
public sealed record LayerSpec(string Type, IReadOnlyDictionary<string, double> Args, int[]? Shape = null)
{
    /// <summary>The layer types a model file may name.</summary>
    public static IReadOnlyList<string> Types { get; } =
        ["dense", "conv2d", "conv_transpose2d", "batchnorm1d", "batchnorm2d", "dropout",
         "relu", "leaky_relu", "sigmoid", "tanh", "flatten", "unflatten"];

    // Which settings each type takes; the first is the one a bare number sets (dense: 64, dropout: 0.2).
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["dense"] = ["out"],
        ["conv2d"] = ["out", "kernel", "stride", "padding", "bias"],
        ["conv_transpose2d"] = ["out", "kernel", "stride", "padding", "output_padding", "bias"],
        ["batchnorm1d"] = ["eps", "momentum"],
        ["batchnorm2d"] = ["eps", "momentum"],
        ["dropout"] = ["p"],
        ["leaky_relu"] = ["negative_slope"],
        ["relu"] = [], ["sigmoid"] = [], ["tanh"] = [], ["flatten"] = [], ["unflatten"] = [],
    };

    /// <summary>A layer of <paramref name="type"/> with numeric arguments <paramref name="args"/> (e.g. <c>("out", 32)</c>).</summary>
    public static LayerSpec Of(string type, params (string Key, double Value)[] args) =>
        new(type, args.ToDictionary(a => a.Key, a => a.Value));

    /// <summary>An unflatten layer to the per-sample <paramref name="shape"/>.</summary>
    public static LayerSpec Unflatten(params int[] shape) => new("unflatten", new Dictionary<string, double>(), shape);

    /// <summary>The setting a bare value stands for, e.g. "out" for dense; null when the type takes none.</summary>
    public static string? DefaultKey(string type) => Allowed.TryGetValue(type, out var keys) && keys.Length > 0 ? keys[0] : null;

    /// <summary>Throws with a message naming the problem when the type or a setting is unknown or missing.</summary>
    public void Validate()
    {
        if (!Allowed.TryGetValue(Type, out var keys))
            throw new ArgumentException($"unknown layer type '{Type}' (expected one of {string.Join(", ", Types)})");
        foreach (var key in Args.Keys)
            if (!keys.Contains(key))
                throw new ArgumentException($"{Type} has no setting '{key}'" + (keys.Length > 0 ? $" (it takes {string.Join(", ", keys)})" : " (it takes none)"));
        foreach (var required in Type switch { "dense" => ["out"], "conv2d" or "conv_transpose2d" => ["out", "kernel"], "dropout" => ["p"], _ => Array.Empty<string>() })
            if (!Args.ContainsKey(required)) throw new ArgumentException($"{Type} needs '{required}'");
        if (Type == "unflatten" && (Shape is null || Shape.Length == 0 || Shape.Any(d => d < 1)))
            throw new ArgumentException("unflatten needs a shape of positive sizes, e.g. unflatten: [32, 3, 3]");
    }

    /// <summary>The values the layer will hold for this input (weights, biases, running statistics), counted before any is allocated.</summary>
    public long ParameterCount(int[] inputShape)
    {
        long Arg(string key) => Args.TryGetValue(key, out double v) && v >= 0 && v <= int.MaxValue ? (long)v : 0;
        long channels = inputShape.Length > 0 ? inputShape[0] : 0;
        long kernel = Arg("kernel"), bias = !Args.TryGetValue("bias", out double b) || b != 0 ? Arg("out") : 0;
        return Type switch
        {
            "dense" => inputShape.Aggregate(1L, (n, d) => Math.Min(n * d, int.MaxValue)) * Arg("out") + Arg("out"),
            "conv2d" or "conv_transpose2d" => channels * Arg("out") * kernel * kernel + bias,
            "batchnorm1d" or "batchnorm2d" => 4 * channels,
            _ => 0,
        };
    }

    /// <summary>The layer this spec describes, sized for the per-sample <paramref name="inputShape"/>.</summary>
    public Layer Create(int[] inputShape)
    {
        Validate();
        int Int(string key, int fallback) => Args.TryGetValue(key, out double v) ? CheckedInt(key, v) : fallback;
        bool Bias() => !Args.TryGetValue("bias", out double b) || b != 0;
        return Type switch
        {
            "dense" => new Dense(Tensor.ElementCount(inputShape), Int("out", 0)),
            "conv2d" => new Conv2d(Channels(inputShape), Int("out", 0), Int("kernel", 0), Int("stride", 1), Int("padding", 0), Bias()),
            "conv_transpose2d" => new ConvTranspose2d(Channels(inputShape), Int("out", 0), Int("kernel", 0), Int("stride", 1),
                                                      Int("padding", 0), Int("output_padding", 0), Bias()),
            "batchnorm1d" => new BatchNorm1d(inputShape[0], Args.GetValueOrDefault("eps", 1e-5), Args.GetValueOrDefault("momentum", 0.1)),
            "batchnorm2d" => new BatchNorm2d(Channels(inputShape), Args.GetValueOrDefault("eps", 1e-5), Args.GetValueOrDefault("momentum", 0.1)),
            "dropout" => new Dropout((float)Args["p"]),
            "relu" => new ReLU(),
            "leaky_relu" => new LeakyReLU((float)Args.GetValueOrDefault("negative_slope", 0.01)),
            "sigmoid" => new Sigmoid(),
            "tanh" => new Tanh(),
            "flatten" => new Flatten(),
            "unflatten" => new Layers.Unflatten(Shape!),
            _ => throw new ArgumentException($"unknown layer type '{Type}'"),
        };
    }

    /// <summary>The model-file form: "relu", {"dense": 64}, {"conv2d": {"out": 8, …}}, {"unflatten": [32, 3, 3]}.</summary>
    public JsonNode ToJson()
    {
        if (Shape is not null) return new JsonObject { [Type] = new JsonArray([.. Shape.Select(d => (JsonNode)d)]) };
        if (Args.Count == 0) return JsonValue.Create(Type);
        var args = new JsonObject();
        foreach (var (key, value) in Args) args[key] = value == Math.Floor(value) && Math.Abs(value) < 1e9 ? JsonValue.Create((long)value) : JsonValue.Create(value);
        return new JsonObject { [Type] = args };
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson().ToJsonString();

    private int Channels(int[] inputShape) =>
        inputShape.Length == 3 ? inputShape[0]
        : throw new ArgumentException($"{Type} needs [C, H, W] inputs, but the layer before gives [{string.Join(", ", inputShape)}] (add an unflatten)");

    private int CheckedInt(string key, double v) =>
        v == Math.Floor(v) && v >= 0 && v <= int.MaxValue ? (int)v
        : throw new ArgumentException($"{Type} {key} must be a whole number, got {v.ToString(CultureInfo.InvariantCulture)}");
}
