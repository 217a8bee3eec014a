using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Runs;

/// <summary>
/// A trained model and the test images to study it on: by default those of the dataset it was trained on (the
/// checkpoint's metadata says which; fashion-mnist when it does not), digits and CSV data split with its training
/// seed, so the images are ones the model never saw.
/// </summary>
internal sealed record CheckpointData(Autoencoder Model, Dataset Test, string Dataset, uint SplitSeed)
{
    /// <summary>The model and the first <paramref name="samples"/> test images (all when null); a <see cref="SettingException"/> ("checkpoint") when they do not fit.</summary>
    public static CheckpointData Load(string checkpoint, string? dataset, string? dataDir, int? samples, uint fallbackSeed, Action<string>? log)
    {
        var (model, _, metadata) = Open(checkpoint);
        var training = Training(metadata);
        string spec = dataset ?? Value<string>(training, "source") ?? Value<string>(training, "dataset") ?? "fashion-mnist";
        uint splitSeed = Value<uint?>(training, "seed") ?? fallbackSeed;
        var (_, test) = new DataSource(spec, dataDir, TestLimit: samples).Load(splitSeed, log);
        CheckFits(checkpoint, model, test);
        return new CheckpointData(model, test, spec, splitSeed);
    }

    /// <summary>Another model to study on <paramref name="test"/>; a <see cref="SettingException"/> ("checkpoint") when it is missing or does not fit.</summary>
    public static Autoencoder LoadModel(string checkpoint, Dataset test)
    {
        var (model, _, _) = Open(checkpoint);
        CheckFits(checkpoint, model, test);
        return model;
    }

    // The checkpoint's model, spec and metadata; a SettingException for a folder or a missing file.
    private static (Autoencoder Model, ModelSpec Spec, IReadOnlyDictionary<string, string> Metadata) Open(string checkpoint)
    {
        if (Directory.Exists(checkpoint)) throw new SettingException("checkpoint", $"{checkpoint} is a directory; give its {TrainRun.CheckpointFile}");
        if (!File.Exists(checkpoint)) throw new SettingException("checkpoint", $"{checkpoint} does not exist");
        return Checkpoint.Load(checkpoint);
    }

    private static void CheckFits(string checkpoint, Autoencoder model, Dataset test)
    {
        try
        {
            Robustness.CheckFits(model, test);
        }
        catch (ArgumentException e)
        {
            throw new SettingException("checkpoint", $"{checkpoint} does not fit {test.Name}: {e.Message}");
        }
    }

    // Train's settings as recorded in a checkpoint's metadata; null when absent or unreadable (a checkpoint from elsewhere).
    private static JsonNode? Training(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("training", out var training)) return null;
        try
        {
            return JsonNode.Parse(training);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T? Value<T>(JsonNode? training, string key)
    {
        try
        {
            return training?[key] is JsonValue value ? value.GetValue<T>() : default;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return default;
        }
    }
}
