using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// A <see cref="TrainingState"/> in a safetensors file: the model's tensors under <c>model.</c> and their state_dict names,
/// the optimizer's as <c>optimizer.0</c>, <c>optimizer.1</c>, … (PyTorch's state tensors in order), and in the metadata the
/// architecture, the counters, the layers' random streams (numpy's <c>get_state()</c> fields), the history, and whatever
/// the caller adds (the run's settings). Written under a temporary name and renamed, so a kill never leaves half a file.
/// </summary>
public static class TrainingStateFile
{
    /// <summary>The format name in a state file's header.</summary>
    public const string Format = "bottleneck/training-state/v1";
    private const string StateKey = "state";

    internal sealed record Counters(int PlannedEpochs, int Epoch, int Steps, double LearningRate, IReadOnlyList<RandomStateData> Streams,
                                   IReadOnlyList<EpochRecord> History);

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> as safetensors, atomically, with <paramref name="metadata"/> in the header.</summary>
    public static void Save(string path, TrainingState state, IReadOnlyDictionary<string, string> metadata)
    {
        var tensors = state.Model.Select(t => t with { Name = "model." + t.Name }).ToList();
        for (int i = 0; i < state.Optimizer.Count; i++) tensors.Add(new($"optimizer.{i}", [state.Optimizer[i].Length], state.Optimizer[i]));
        var counters = new Counters(state.PlannedEpochs, state.Epoch, state.Steps, state.LearningRate, [.. state.LayerStreams.Select(s => s.GetState())],
                                    state.History);
        var meta = new Dictionary<string, string>(metadata)
        {
            [Checkpoint.FormatKey] = Format,
            [Checkpoint.ArchitectureKey] = state.Spec.ToJson().ToJsonString(),
            [StateKey] = Json.Compact(counters, TrainingJson.Default),
        };
        Safetensors.Write(path, tensors, meta);
    }

    /// <summary>The state and the caller's metadata; a <see cref="DataFormatException"/> naming the file when it is not a whole, finite training state.</summary>
    public static (TrainingState State, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        var file = Safetensors.Read(path);
        if (!file.Metadata.TryGetValue(Checkpoint.FormatKey, out var format) || format != Format)
            throw new DataFormatException($"{path} is not a training state (its format is '{format ?? "not given"}', expected {Format})");
        if (!file.Metadata.TryGetValue(Checkpoint.ArchitectureKey, out var architecture) || !file.Metadata.TryGetValue(StateKey, out var countersJson))
            throw new DataFormatException($"{path} has no architecture or no counters in its metadata; the file is damaged");
        var spec = ModelSpec.Parse(architecture, $"{Path.GetFileName(path)} (architecture)");
        Counters counters;
        try
        {
            counters = Json.Deserialize<Counters>(countersJson, TrainingJson.Default);
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: the counters in its metadata are not readable ({e.Message})");
        }
        if (counters.Epoch < 0 || counters.Steps < 0 || counters.History is null || counters.History.Count != counters.Epoch || counters.Streams is null
            || !double.IsFinite(counters.LearningRate) || counters.LearningRate < 0 || counters.PlannedEpochs < 1)
            throw new DataFormatException($"{path}: its counters do not agree with each other (epoch {counters.Epoch}, {counters.History?.Count ?? 0} epochs of history); the file is damaged");

        // The names and shapes of the tensors a model of this architecture has, in order.
        var model = Checkpoint.StateDict(spec.Build(new RandomState(0)))
            .Select(t => new SafetensorsTensor(t.Name, t.Value.Shape, Tensor(file, path, "model." + t.Name, t.Value.Shape))).ToList();
        var optimizer = new List<float[]>();
        while (file.Tensors.ContainsKey($"optimizer.{optimizer.Count}")) optimizer.Add(Tensor(file, path, $"optimizer.{optimizer.Count}", null));
        if (file.Tensors.Count != model.Count + optimizer.Count)
            throw new DataFormatException($"{path} holds tensors that are neither the model's nor the optimizer's; the file is damaged");
        var streams = new List<RandomState>();
        foreach (var data in counters.Streams)
        {
            var stream = new RandomState(0);
            try
            {
                stream.SetState(data);
            }
            catch (ArgumentException e)
            {
                throw new DataFormatException($"{path}: a layer's random stream is damaged ({e.Message})");
            }
            streams.Add(stream);
        }
        var state = new TrainingState(spec, counters.PlannedEpochs, model, optimizer, streams)
        {
            Epoch = counters.Epoch, Steps = counters.Steps, LearningRate = counters.LearningRate,
        };
        state.SetHistory(counters.History);
        var metadata = file.Metadata.Where(m => m.Key is not (Checkpoint.FormatKey or Checkpoint.ArchitectureKey or StateKey)).ToDictionary();
        return (state, metadata);
    }

    private static float[] Tensor(SafetensorsFile file, string path, string name, int[]? shape)
    {
        if (!file.Tensors.TryGetValue(name, out var tensor)) throw new DataFormatException($"{path} has no tensor '{name}'; the file is damaged or of another model");
        if (shape is not null && !tensor.Shape.SequenceEqual(shape))
            throw new DataFormatException($"{path}: {name} has shape [{string.Join(", ", tensor.Shape)}], the architecture needs [{string.Join(", ", shape)}]");
        foreach (float v in tensor.Data)
            if (!float.IsFinite(v)) throw new DataFormatException($"{path}: tensor '{name}' holds NaN or infinite values; it cannot be resumed");
        return tensor.Data;
    }
}
