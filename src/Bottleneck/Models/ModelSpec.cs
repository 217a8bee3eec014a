using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Tensors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bottleneck.Models;

/// <summary>
/// An autoencoder's architecture: the per-sample input shape, the encoder's and decoder's
/// layers, and the initialisation. Read from a model file (YAML or JSON), written into
/// checkpoints, and built into a model:
/// <code>
/// input: [1, 28, 28]
/// init: kaiming            # or glorot
/// encoder: [conv2d: {out: 8, kernel: 3, stride: 2, padding: 1}, relu, flatten, dense: 20]
/// decoder: [dense: 1568, unflatten: [8, 14, 14], conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}, sigmoid]
/// variational: false       # true: the encoder ends in 2·d values, μ and log σ² of a d-dimensional code
/// </code>
/// </summary>
/// <param name="Input">The per-sample input shape.</param>
/// <param name="Encoder">The encoder's layers.</param>
/// <param name="Decoder">The decoder's layers.</param>
/// <param name="Init">The weight initialisation.</param>
/// <param name="Variational">A variational autoencoder: the encoder's last layer gives μ and log σ² (2·d values), the decoder takes d.</param>
public sealed record ModelSpec(int[] Input, IReadOnlyList<LayerSpec> Encoder, IReadOnlyList<LayerSpec> Decoder,
                               InitScheme Init = InitScheme.KaimingUniform, bool Variational = false)
{
    /// <summary>Builds the model with fresh weights drawn from <paramref name="rng"/>, encoder first (as PyTorch creates them).</summary>
    public Autoencoder Build(RandomState rng)
    {
        var encoder = Stack(Input, Encoder, "encoder");
        int[] code = encoder.OutputShape;
        if (Variational)
        {
            if (code is not [int head] || head % 2 != 0)
                throw new LayerException("encoder", Encoder.Count - 1,
                    $"a variational encoder ends in 2·d values (μ and log σ² of a d-dimensional code), not [{string.Join(", ", code)}]");
            code = [head / 2];
        }
        var decoder = Stack(code, Decoder, "decoder");
        var model = new Autoencoder(encoder, decoder, Variational);
        Layers.Init.Apply(model.Layers, Init, rng);
        return model;
    }

    /// <summary>Most values a model may hold; far beyond any autoencoder of these images, and refused before anything is allocated.</summary>
    public const long MaxParameters = 1L << 27;

    /// <summary>Most values one layer may give per sample; a batch of outputs is allocated per layer.</summary>
    public const long MaxValuesPerSample = 1L << 24;

    private static Sequential Stack(int[] input, IReadOnlyList<LayerSpec> specs, string part)
    {
        if (specs.Count == 0) throw new ArgumentException($"the {part} has no layers");
        var layers = new Layer[specs.Count];
        var shape = input;
        long parameters = 0;
        for (int i = 0; i < specs.Count; i++)
        {
            try
            {
                parameters += specs[i].ParameterCount(shape);
                if (parameters > MaxParameters)
                    throw new ArgumentException($"the model would hold more than {MaxParameters:N0} parameters");
                layers[i] = specs[i].Create(shape);
                shape = layers[i].OutputShape(shape);
                if (shape.Aggregate(1L, (n, d) => Math.Min(n * d, long.MaxValue / 2)) > MaxValuesPerSample)
                    throw new ArgumentException($"it gives [{string.Join(", ", shape)}] values per sample, more than {MaxValuesPerSample:N0}");
            }
            catch (ArgumentException e)
            {
                throw new LayerException(part, i, $"{part} layer {i + 1} ({specs[i].Type}): {e.Message}");
            }
        }
        return new Sequential(input, layers);
    }

    // A layer that cannot take its input, by part and position, so a model file's error can name the line it is on.
    private sealed class LayerException(string part, int index, string message) : ArgumentException(message)
    {
        public string Part { get; } = part;
        public int Index { get; } = index;
    }

    /// <summary>The architecture as JSON, as model files and checkpoints hold it.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["input"] = new JsonArray([.. Input.Select(d => (JsonNode)d)]),
            ["init"] = Init == InitScheme.GlorotUniform ? "glorot" : "kaiming",
            ["encoder"] = new JsonArray([.. Encoder.Select(l => l.ToJson())]),
            ["decoder"] = new JsonArray([.. Decoder.Select(l => l.ToJson())]),
        };
        // Only a variational model says so: every other model's JSON stays as it always was.
        if (Variational) json["variational"] = true;
        return json;
    }

    /// <summary>A model file is a page of text; more than this is not one.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Reads a model file (YAML or JSON) at <paramref name="path"/>; a <see cref="SettingException"/> naming the first problem.</summary>
    public static ModelSpec Load(string path) => Parse(InputFile.ReadText(path, "model file", MaxFileBytes), Path.GetFileName(path));

    /// <summary>Parses a model file's text; YAML, or JSON (which YAML reads too).</summary>
    public static ModelSpec Parse(string text, string source)
    {
        var stream = SafeYaml.Load(text, source);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new DataFormatException($"{source}: expected a mapping with input, encoder and decoder");

        YamlNode Required(string key) =>
            root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : throw new DataFormatException($"{source}: '{key}' is missing");
        foreach (var key in root.Children.Keys)
            if (key is YamlScalarNode { Value: not ("input" or "init" or "encoder" or "decoder" or "variational") } unknown)
                throw Error(source, unknown, $"unknown key '{unknown.Value}' (expected input, init, encoder, decoder, variational)");

        var init = root.Children.TryGetValue(new YamlScalarNode("init"), out var initNode)
            ? Scalar(source, initNode) switch
            {
                "kaiming" => InitScheme.KaimingUniform,
                "glorot" => InitScheme.GlorotUniform,
                var other => throw Error(source, initNode, $"init must be kaiming or glorot, got '{other}'"),
            }
            : InitScheme.KaimingUniform;
        bool variational = root.Children.TryGetValue(new YamlScalarNode("variational"), out var variationalNode)
            && (Scalar(source, variationalNode) switch
            {
                "true" => true,
                "false" => false,
                var other => throw Error(source, variationalNode, $"variational must be true or false, got '{other}'"),
            });
        var (encoderNode, decoderNode) = (Required("encoder"), Required("decoder"));
        var spec = new ModelSpec(Ints(source, Required("input")), ParseLayers(source, encoderNode), ParseLayers(source, decoderNode), init, variational);
        try
        {
            spec.Build(new RandomState(0));
        }
        catch (LayerException e)
        {
            var item = ((YamlSequenceNode)(e.Part == "encoder" ? encoderNode : decoderNode)).Children[e.Index];
            throw Error(source, item is YamlMappingNode map ? map.Children.Keys.First() : item, e.Message);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException($"{source}: {e.Message}");
        }
        return spec;
    }

    private static List<LayerSpec> ParseLayers(string source, YamlNode node)
    {
        if (node is not YamlSequenceNode list) throw Error(source, node, "expected a list of layers");
        var layers = new List<LayerSpec>();
        foreach (var item in list)
        {
            LayerSpec layer = item switch
            {
                YamlScalarNode scalar => new LayerSpec(scalar.Value ?? "", new Dictionary<string, double>()),
                YamlMappingNode { Children.Count: 1 } map => FromMapping(source, map),
                _ => throw Error(source, item, "a layer is a name (relu) or one name with settings (dense: 64)"),
            };
            try
            {
                layer.Validate();
            }
            catch (ArgumentException e)
            {
                // A one-key mapping's own start mark can sit on an earlier line; its key's is exact.
                throw Error(source, item is YamlMappingNode map ? map.Children.Keys.First() : item, e.Message);
            }
            layers.Add(layer);
        }
        return layers;
    }

    private static LayerSpec FromMapping(string source, YamlMappingNode map)
    {
        var (keyNode, value) = map.Children.Single();
        string type = Scalar(source, keyNode);
        if (!LayerSpec.Types.Contains(type))
            throw Error(source, keyNode, $"unknown layer type '{type}' (expected one of {string.Join(", ", LayerSpec.Types)})");
        switch (value)
        {
            case YamlSequenceNode when type == "unflatten":
                return new LayerSpec(type, new Dictionary<string, double>(), Ints(source, value));
            case YamlScalarNode:
                string key = LayerSpec.DefaultKey(type) ?? throw Error(source, value, $"{type} takes no settings");
                return new LayerSpec(type, new Dictionary<string, double> { [key] = Number(source, value) });
            case YamlMappingNode settings:
                return new LayerSpec(type, settings.Children.ToDictionary(kv => Scalar(source, kv.Key), kv => Number(source, kv.Value)));
            default:
                throw Error(source, value, $"unexpected settings for {type}");
        }
    }

    private static int[] Ints(string source, YamlNode node) =>
        node is YamlSequenceNode list && list.Children.Count > 0
            ? [.. list.Select(n => Number(source, n) is var v && v == Math.Floor(v) && v >= 1 && v <= int.MaxValue ? (int)v : throw Error(source, n, "expected a positive whole number"))]
            : throw Error(source, node, "expected a list of positive whole numbers, e.g. [1, 28, 28]");

    private static double Number(string source, YamlNode node)
    {
        string text = Scalar(source, node);
        if (text is "true" or "false") return text == "true" ? 1 : 0;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw Error(source, node, $"'{text}' is not a number");
    }

    private static string Scalar(string source, YamlNode node) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(source, node, "expected a single value");

    private static DataFormatException Error(string source, YamlNode node, string message) =>
        new($"{source} line {node.Start.Line}: {message}");
}
