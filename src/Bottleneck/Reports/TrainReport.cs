using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tensors;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// Writes a training run's directory: model.safetensors (architecture and settings in its
/// metadata), epochs.csv, curves.svg, reconstructions.png (test images above their
/// reconstructions, for image data) results.json (schema <see cref="Schema"/>) and
/// report.html, built from those files.
/// </summary>
public static class TrainReport
{
    public const string Schema = "bottleneck/train/v1";
    public const int ExampleImages = 10;

    public static void Write(RunDirectory dir, TrainSettings settings, Dataset train, Dataset test, TrainOutcome outcome, Provenance provenance)
    {
        var settingsJson = SettingsToJson(settings, train, test);
        if (outcome.Training.Status != RunStatus.Diverged)
        {
            Checkpoint.Save(dir.File("model.safetensors"), outcome.Model, settings.Model, new Dictionary<string, string>
            {
                ["training"] = settingsJson.ToJsonString(),
                ["test_mse"] = outcome.TestMse.ToString("R", CultureInfo.InvariantCulture),
                ["bottleneck_version"] = Provenance.Version,
            });
            if (test.ImageShape is { Length: 3 } shape && shape[0] == 1)
                dir.WriteBytes("reconstructions.png", Reconstructions(outcome.Model, test, shape));
        }
        dir.WriteText("epochs.csv", EpochsCsv(outcome.Training.Epochs));
        dir.WriteText("curves.svg", LineChart.Render($"{settings.Loss.ToUpperInvariant()} loss per epoch", "epoch", "loss",
        [
            new Series("train", [.. outcome.Training.Epochs.Select(e => (double)e.Epoch)], [.. outcome.Training.Epochs.Select(e => e.TrainLoss)]),
            new Series("test", [.. outcome.Training.Epochs.Select(e => (double)e.Epoch)], [.. outcome.Training.Epochs.Select(e => e.ValLoss)]),
        ]));
        dir.WriteText("results.json", Json.Serialize(new JsonObject
        {
            ["schema"] = Schema,
            ["status"] = OptimizerStudyReport.Status(outcome.Training.Status),
            ["message"] = outcome.Training.Message,
            ["provenance"] = provenance.ToJson(),
            ["settings"] = settingsJson,
            ["model"] = new JsonObject
            {
                ["parameters"] = outcome.Model.ParameterCount,
                ["code_size"] = outcome.Model.CodeSize,
                ["summary"] = ModelSummary.Format(outcome.Model),
            },
            ["test_mse"] = Json.Number(outcome.TestMse),
            ["images_per_second"] = Json.Number(outcome.ImagesPerSecond),
            ["seconds"] = outcome.Seconds,
            ["epochs"] = History.ToJson(outcome.Training.Epochs),
        }));
        HtmlReport.Write(dir);
    }

    private static JsonObject SettingsToJson(TrainSettings s, Dataset train, Dataset test) => new()
    {
        ["dataset"] = train.Name,
        ["train_samples"] = train.Count,
        ["test_samples"] = test.Count,
        ["model"] = s.ModelName,
        ["architecture"] = s.Model.ToJson(),
        ["optimizer"] = SettingsJson.Optimizer(s.Optimizer),
        ["loss"] = s.Loss,
        ["epochs"] = s.Epochs,
        ["batch_size"] = s.BatchSize,
        ["seed"] = s.Seed,
    };

    private static string EpochsCsv(IReadOnlyList<EpochRecord> epochs)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in History.CsvHeader) csv.WriteField(h);
        csv.NextRecord();
        foreach (var e in epochs)
        {
            History.WriteCsvFields(csv, e);
            csv.NextRecord();
        }
        return text.ToString();
    }

    // The first test images in one row, their reconstructions in the row below.
    private static byte[] Reconstructions(Autoencoder model, Dataset test, int[] shape)
    {
        int count = Math.Min(ExampleImages, test.Count);
        var x = new Tensor([count, .. model.InputShape]);
        test.Features.Data.AsSpan(0, x.Length).CopyTo(x.Data);
        model.Training = false;
        var y = model.Forward(x);
        var originals = Enumerable.Range(0, count).Select(i => x.Row(i).ToArray()).ToList();
        var reconstructed = Enumerable.Range(0, count).Select(i => y.Row(i).ToArray()).ToList();
        return ImageGrid.RenderRows([originals, reconstructed], shape[1], shape[2], scale: 2, rowsPerGroup: 2);
    }
}
