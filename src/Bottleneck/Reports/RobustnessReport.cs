using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tensors;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// Writes a robustness run's directory: robustness.csv, noise.svg and occlusion.svg (reconstruction
/// MSE against the level, with the corrupted input's MSE as the baseline), noise-examples.png and
/// occlusion-examples.png (per example image: clean, corrupted and reconstructed rows; one column
/// per level; single-channel images only) and results.json (schema <see cref="Schema"/>), last.
/// </summary>
public static class RobustnessReport
{
    public const string Schema = "bottleneck/robustness/v1";
    public const int ExampleImages = 3;
    public static readonly string[] CsvHeader = ["corruption", "level", "mse_mean", "mse_std", "input_mse_mean"];

    /// <summary>
    /// The whole robustness run, for <c>bottleneck robustness</c> and a pipeline's robustness phase alike: the noise
    /// and occlusion curves of <paramref name="model"/> on <paramref name="test"/>, then the run directory's files.
    /// </summary>
    /// <param name="progress">Called after each level with the curve's name ("noise" or "occlusion").</param>
    public static IReadOnlyList<RobustnessCurve> Run(RunDirectory dir, RobustnessSettings settings, Autoencoder model, Dataset test, Provenance provenance,
                                                     Action<string, RobustnessLevel>? progress = null)
    {
        using var workers = settings.Threads > 1 ? new WorkerPool(settings.Threads) : null;
        model.Workers = workers ?? WorkerPool.Serial;
        var curves = new List<RobustnessCurve>();
        try
        {
            foreach (var (corruption, levels) in new[] { (settings.Noise, settings.NoiseLevels), (settings.Occlusion, settings.OcclusionLevels) })
            {
                if (levels.Count == 0) continue;
                string name = FileStem(corruption);
                curves.Add(Robustness.Run(model, test, corruption, levels, settings.Seed, settings.BatchSize, ExampleImages, row => progress?.Invoke(name, row)));
            }
        }
        finally
        {
            model.Workers = WorkerPool.Serial;
        }
        var clean = Enumerable.Range(0, Math.Min(ExampleImages, test.Count)).Select(i => test.Features.Row(i).ToArray()).ToList();
        Write(dir, settings, model, test.ImageShape, curves, clean, provenance);
        return curves;
    }

    public static void Write(RunDirectory dir, RobustnessSettings settings, Autoencoder model, int[]? imageShape,
                             IReadOnlyList<RobustnessCurve> curves, IReadOnlyList<float[]> cleanExamples, Provenance provenance)
    {
        dir.WriteText("robustness.csv", Csv(curves));
        foreach (var curve in curves)
        {
            string file = FileStem(curve.Corruption);
            dir.WriteText($"{file}.svg", LineChart.Render($"Reconstruction MSE under {Describe(curve.Corruption)}", XLabel(curve.Corruption), "MSE against the clean image",
            [
                new Series("reconstruction", [.. curve.Levels.Select(l => l.Level)], [.. curve.Levels.Select(l => l.MseMean)]),
                new Series("corrupted input", [.. curve.Levels.Select(l => l.Level)], [.. curve.Levels.Select(l => l.InputMseMean)]),
            ]));
            if (imageShape is { Length: 3 } shape && shape[0] == 1 && cleanExamples.Count > 0)
                dir.WriteBytes($"{file}-examples.png", Examples(curve, cleanExamples, shape));
        }
        dir.WriteText("results.json", Json.Serialize(new JsonObject
        {
            ["schema"] = Schema,
            ["provenance"] = provenance.ToJson(),
            ["settings"] = SettingsToJson(settings),
            ["model"] = new JsonObject
            {
                ["parameters"] = model.ParameterCount,
                ["code_size"] = model.CodeSize,
                ["input"] = new JsonArray([.. model.InputShape.Select(d => JsonValue.Create(d))]),
            },
            ["rows"] = new JsonArray([.. curves.SelectMany(c => c.Levels.Select(l => (JsonNode)new JsonObject
            {
                ["corruption"] = FileStem(c.Corruption),
                ["kind"] = c.Corruption.Name,
                ["level"] = l.Level,
                ["mse_mean"] = Json.Number(l.MseMean),
                ["mse_std"] = Json.Number(l.MseStd),
                ["input_mse_mean"] = Json.Number(l.InputMseMean),
            }))]),
        }));
        HtmlReport.Write(dir);
    }

    /// <summary>"noise" or "occlusion": the name of the curve's files and of its rows in the CSV.</summary>
    public static string FileStem(Corruption c) => c.Kind == CorruptionKind.Noise ? "noise" : "occlusion";

    private static string Describe(Corruption c) => c.Kind switch
    {
        CorruptionKind.Noise => c.Clip ? "Gaussian noise (clipped to [0, 1])" : "Gaussian noise",
        CorruptionKind.Pixels => "random-pixel occlusion",
        _ => "block occlusion",
    };

    private static string XLabel(Corruption c) => c.Kind switch
    {
        CorruptionKind.Noise => "noise level α",
        CorruptionKind.Pixels => "fraction of pixels deleted",
        _ => "block area fraction",
    };

    private static JsonObject SettingsToJson(RobustnessSettings s) => new()
    {
        ["checkpoint"] = s.Checkpoint,
        ["dataset"] = s.Dataset,
        ["samples"] = s.Samples,
        ["noise_levels"] = new JsonArray([.. s.NoiseLevels.Select(l => JsonValue.Create(l))]),
        ["occlusion_levels"] = new JsonArray([.. s.OcclusionLevels.Select(l => JsonValue.Create(l))]),
        ["occlusion"] = s.Occlusion.Name,
        ["clip"] = s.Clip,
        ["seed"] = s.Seed,
        ["split_seed"] = s.SplitSeed,
        ["batch_size"] = s.BatchSize,
    };

    private static string Csv(IReadOnlyList<RobustnessCurve> curves)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var h in CsvHeader) csv.WriteField(h);
        csv.NextRecord();
        foreach (var curve in curves)
            foreach (var l in curve.Levels)
            {
                csv.WriteField(FileStem(curve.Corruption));
                foreach (double v in new[] { l.Level, l.MseMean, l.MseStd, l.InputMseMean })
                    csv.WriteField(v.ToString("R", CultureInfo.InvariantCulture));
                csv.NextRecord();
            }
        return text.ToString();
    }

    // Per example image three rows (clean, corrupted, reconstructed); one column per level.
    private static byte[] Examples(RobustnessCurve curve, IReadOnlyList<float[]> clean, int[] shape)
    {
        var rows = new List<IReadOnlyList<float[]>>();
        int count = Math.Min(clean.Count, curve.Levels.Min(l => l.ReconstructedExamples.Count));
        for (int i = 0; i < count; i++)
        {
            rows.Add([.. curve.Levels.Select(_ => clean[i])]);
            rows.Add([.. curve.Levels.Select(l => l.CorruptedExamples[i])]);
            rows.Add([.. curve.Levels.Select(l => l.ReconstructedExamples[i])]);
        }
        return ImageGrid.RenderRows(rows, shape[1], shape[2], scale: 2, rowsPerGroup: 3);
    }
}
