using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Training;
using CsvHelper;

namespace Bottleneck.Reports;

/// <summary>
/// A training run's directory (beside the model.safetensors the run saves): epochs.csv, curves.svg,
/// reconstructions.png (test images above their reconstructions, for single-channel images), results.json
/// (schema <see cref="SchemaName"/>, last), then report.html.
/// </summary>
public sealed class TrainReport() : ReportKind<TrainReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of a training run carries.</summary>
    public const string SchemaName = "bottleneck/train/v1";
    internal const int ExampleImages = 10;

    /// <summary>results.json of a training run.</summary>
    /// <param name="Baselines">The test MSE of predicting the mean training sample and of predicting zeros, to read <paramref name="TestMse"/> against
    /// (absent from files of earlier versions).</param>
    /// <param name="Warnings">What deserves a word: a model no better than the mean sample.</param>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Status">How the run ended.</param>
    /// <param name="Message">Why it ended early, when it did.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Settings">What was trained on what.</param>
    /// <param name="Model">The model's size and layers.</param>
    /// <param name="TestMse">Reconstruction MSE on the test split after the last epoch.</param>
    /// <param name="ImagesPerSecond">Training throughput over the whole run.</param>
    /// <param name="Seconds">Wall time of the run.</param>
    /// <param name="Epochs">Every epoch's record.</param>
    public sealed record Results(string Schema, RunStatus Status, string? Message, Provenance Provenance, Settings Settings, ModelInfo Model,
                                 double TestMse, MseBaselines? Baselines, double ImagesPerSecond, double Seconds, IReadOnlyList<string>? Warnings,
                                 IReadOnlyList<EpochRecord> Epochs)
    {
        /// <summary>A sparse autoencoder's share of near-zero code values over the test set; absent without the penalty.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? CodeNearZeroFraction { get; init; }

        /// <summary>Where the training time went, layer by layer and pass by pass, when the run was profiled; absent otherwise.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TrainingProfile? Profile { get; init; }
    }

    /// <summary>What was trained on what, as results.json and the checkpoint's metadata record it.</summary>
    /// <param name="Source">The dataset as it can be named again (<c>csv:</c> with the file's full path), for commands that study the model.</param>
    /// <param name="Dataset">The dataset's name.</param>
    /// <param name="TrainSamples">Training samples.</param>
    /// <param name="TestSamples">Test samples.</param>
    /// <param name="Model">The model's preset name, or the model file's.</param>
    /// <param name="Architecture">The full architecture, as <see cref="ModelSpec.ToJson"/> writes it.</param>
    /// <param name="Optimizer">The optimizer and its hyperparameters.</param>
    /// <param name="Loss">The reconstruction loss.</param>
    /// <param name="Epochs">Epochs planned.</param>
    /// <param name="BatchSize">Minibatch size.</param>
    /// <param name="Seed">The run's seed.</param>
    /// <param name="Denoise">A denoising run's corruptions (<c>noise:0.3</c>); absent for a plain one.</param>
    /// <param name="CodeL1">A sparse run's L1 penalty λ on the code; absent without one.</param>
    /// <param name="Beta">A variational run's KL weight β; absent for other runs.</param>
    /// <param name="KlWarmup">A variational run's KL warm-up in epochs; absent for other runs.</param>
    public sealed record Settings(string Dataset, int TrainSamples, int TestSamples, string Model, JsonObject Architecture,
                                  OptimizerSettings Optimizer, LossFunction Loss, int Epochs, int BatchSize, uint Seed, string Source,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Denoising? Denoise = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CodeL1 = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Beta = null,
                                  [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? KlWarmup = null)
    {
        internal static Settings Of(TrainSettings s, ModelSpec architecture, Dataset train, Dataset test, string source) =>
            new(train.Name, train.Count, test.Count, s.Model.Name, architecture.ToJson(), s.Optimizer, s.Loss, s.Epochs, s.BatchSize, s.Seed, source,
                s.Denoise, s.CodeL1 > 0 ? s.CodeL1 : null, architecture.Variational ? s.Beta : null, architecture.Variational ? s.KlWarmup : null);
    }

    /// <summary>The model trained.</summary>
    /// <param name="Parameters">Its trainable parameters.</param>
    /// <param name="CodeSize">The width of its code.</param>
    /// <param name="Summary">One line per layer with its output shape and parameters.</param>
    public sealed record ModelInfo(long Parameters, int CodeSize, string Summary)
    {
        internal static ModelInfo Of(Autoencoder model) => new(model.ParameterCount, model.CodeSize, ModelSummary.Format(model));
    }

    /// <param name="examples">The first test images and their reconstructions, or null when the model diverged.</param>
    /// <param name="dir">The run directory written into.</param>
    /// <param name="settings">The run's settings.</param>
    /// <param name="train">The training split.</param>
    /// <param name="test">The test split.</param>
    /// <param name="source">The dataset as it can be named again.</param>
    /// <param name="result">What training gave.</param>
    /// <param name="provenance">Who ran it and how.</param>
    internal static Results Write(RunDirectory dir, TrainSettings settings, Dataset train, Dataset test, string source, TrainResult result, Provenance provenance,
                                (IReadOnlyList<float[]> Originals, IReadOnlyList<float[]> Reconstructed)? examples)
    {
        if (examples is { } e && test.ImageShape is { Length: 3 } shape && shape[0] is 1 or 3)
            dir.WriteBytes("reconstructions.png", ImageGrid.RenderRows([e.Originals, e.Reconstructed], shape[1], shape[2], scale: 2, rowsPerGroup: 2, channels: shape[0]));
        dir.WriteText("epochs.csv", EpochsCsv(result.Epochs));
        dir.WriteText("curves.svg", LineChart.Render($"{settings.Loss.Name().ToUpperInvariant()} loss per epoch", "epoch", "loss",
        [
            new Series("train", [.. result.Epochs.Select(x => (double)x.Epoch)], [.. result.Epochs.Select(x => x.TrainLoss)]),
            new Series("test", [.. result.Epochs.Select(x => (double)x.Epoch)], [.. result.Epochs.Select(x => x.EvalLoss)]),
        ]));
        var baselines = MseBaselines.Of(train, test);
        string? worse = result.Status == RunStatus.Completed ? baselines.WorseThanMean(result.TestMse, "the model") : null;
        var results = new Results(SchemaName, result.Status, result.Message, provenance, Settings.Of(settings, result.Spec, train, test, source), ModelInfo.Of(result.Model),
                                  result.TestMse, baselines, result.ImagesPerSecond, result.Seconds, worse is null ? [] : [worse], result.Epochs)
        {
            CodeNearZeroFraction = result.CodeNearZeroFraction,
            Profile = result.Profile,
        };
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal override IReadOnlyList<string> Figures { get; } = ["curves.svg", "reconstructions.png"];

    internal override string Title(Results r) => "Training run";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        Digest(page, r, directory);
        page.Heading("h3", "Model");
        page.Html.Element("pre", r.Model.Summary).Line();
    }

    internal override void Digest(ReportPage page, Results r, string directory)
    {
        page.KeyValues(
        [
            ("test MSE", ReportPage.Number(r.TestMse, 6)),
            ("predicting the mean training sample", r.Baselines is { } b ? ReportPage.Number(b.MeanImage, 6) : null),
            ("predicting zeros", r.Baselines is { } z ? ReportPage.Number(z.Zeros, 6) : null),
            ("images per second", double.IsFinite(r.ImagesPerSecond) ? ReportPage.Count((long)Math.Round(r.ImagesPerSecond)) : null),
            ("parameters", ReportPage.Count(r.Model.Parameters)),
            ("code size", ReportPage.Invariant(r.Model.CodeSize)),
            ("dataset", r.Settings.Dataset),
            ("train / test samples", $"{ReportPage.Count(r.Settings.TrainSamples)} / {ReportPage.Count(r.Settings.TestSamples)}"),
            ("model", r.Settings.Model),
            ("optimizer", $"{r.Settings.Optimizer.Name}, lr {ReportPage.Invariant(r.Settings.Optimizer.LearningRate)}"),
            ("epochs", $"{r.Epochs.Count} of {r.Settings.Epochs}"),
            ("seconds", ReportPage.Number(r.Seconds, 3)),
        ]);
        page.List("Warnings", r.Warnings ?? []);
    }

    internal override string? Caption(string file, Results r) =>
        file == "reconstructions.png" ? "test images (top row of each pair) and their reconstructions (below)" : null;

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
}
