using Bottleneck.Data;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>
/// A trained autoencoder in a safetensors file. Tensors carry PyTorch's state_dict names
/// (<c>encoder.0.weight</c>, <c>decoder.9.bias</c>, <c>encoder.3.running_mean</c>), so the file
/// loads into the same architecture in PyTorch; the metadata holds the architecture as a
/// model file (<see cref="ArchitectureKey"/>) and whatever the caller adds (training settings).
/// </summary>
public static class Checkpoint
{
    /// <summary>The metadata keys and the format name of a checkpoint's safetensors header.</summary>
    /// <summary>The metadata keys and the format name of a checkpoint's safetensors header.</summary>
    public const string FormatKey = "format", Format = "bottleneck/checkpoint/v1", ArchitectureKey = "architecture";

    /// <summary>Writes <paramref name="model"/>'s state_dict to <paramref name="path"/> as safetensors (atomically), with <paramref name="spec"/> and <paramref name="metadata"/> in the header, so PyTorch's <c>safetensors.torch.load_file</c> reads it.</summary>
    public static void Save(string path, Autoencoder model, ModelSpec spec, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [FormatKey] = Format,
            [ArchitectureKey] = spec.ToJson().ToJsonString(),
        };
        var tensors = StateDict(model).Select(t => new SafetensorsTensor(t.Name, t.Value.Shape, t.Value.Data)).ToList();
        Safetensors.Write(path, tensors, meta);
    }

    /// <summary>
    /// Loads a checkpoint, building the architecture from its metadata, or from <paramref name="spec"/>
    /// for files that carry none (e.g. written by PyTorch). Names and shapes must match exactly.
    /// </summary>
    public static (Autoencoder Model, ModelSpec Spec, IReadOnlyDictionary<string, string> Metadata) Load(string path, ModelSpec? spec = null)
    {
        var file = Safetensors.Read(path);
        if (spec is null)
        {
            if (!file.Metadata.TryGetValue(ArchitectureKey, out var architecture))
                throw new DataFormatException($"{path} has no architecture in its metadata; give its model (the lab preset or a model file) to load it");
            spec = ModelSpec.Parse(architecture, $"{Path.GetFileName(path)} (architecture)");
        }
        foreach (var (name, tensor) in file.Tensors)
            if (!AllFinite(tensor.Data))
                throw new DataFormatException($"{path}: tensor '{name}' holds NaN or infinite values (the model diverged, or the file is damaged); it cannot be used");
        var model = spec.Build(new RandomState(0));
        var expected = StateDict(model);
        var missing = expected.Select(t => t.Name).Where(n => !file.Tensors.ContainsKey(n)).ToList();
        var unexpected = file.Tensors.Keys.Where(n => expected.All(t => t.Name != n)).Order().ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new DataFormatException($"{path} does not fit the architecture: " +
                string.Join("; ", new[] { List("missing", missing), List("unexpected", unexpected) }.Where(s => s.Length > 0)));
        foreach (var (name, value) in expected)
        {
            var stored = file.Tensors[name];
            if (!stored.Shape.SequenceEqual(value.Shape))
                throw new DataFormatException($"{path}: {name} has shape [{string.Join(", ", stored.Shape)}], the architecture needs [{string.Join(", ", value.Shape)}]");
            stored.Data.CopyTo(value.Data, 0);
        }
        return (model, spec, file.Metadata);
    }

    /// <summary>Every parameter and buffer under its PyTorch state_dict name, in model order.</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> StateDict(Autoencoder model)
    {
        var entries = new List<(string, Tensor)>();
        foreach (var (part, stack) in new[] { ("encoder", model.Encoder), ("decoder", model.Decoder) })
        {
            int i = 0;
            foreach (var layer in stack.Layers)
            {
                foreach (var p in layer.Parameters) entries.Add(($"{part}.{i}.{p.Name}", p.Value));
                foreach (var (name, value) in layer.Buffers) entries.Add(($"{part}.{i}.{name}", value));
                i++;
            }
        }
        return entries;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    private static string List(string what, List<string> names) =>
        names.Count == 0 ? "" : $"{what} {string.Join(", ", names.Take(5))}{(names.Count > 5 ? $" and {names.Count - 5} more" : "")}";
}
