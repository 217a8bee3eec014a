using System.Globalization;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Training;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck train</c> does: one model, trained on a dataset's training split and tested on its test split.</summary>
public sealed record TrainRunSettings(DataSource Data, TrainSettings Training)
{
    public void Validate()
    {
        Data.Validate();
        Training.Validate();
    }
}

/// <summary>How a training run went, and where its files are.</summary>
public sealed record TrainRunResult(string Directory, TrainResult Training, TrainReport.Results Results);

/// <summary>
/// Trains one model and writes its run directory: model.safetensors (unless it diverged; PyTorch's state_dict names,
/// the architecture and training settings in its metadata), then the report's files (<see cref="TrainReport"/>).
/// </summary>
public static class TrainRun
{
    public const string CheckpointFile = "model.safetensors";

    public static TrainRunResult Execute(TrainRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var (train, test) = settings.Data.Load(settings.Training.Seed, context.Observer.Data);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("train", started, TrainReport.SchemaName);
        return Train(settings.Training, train, test, settings.Data.Recorded, dir, context.Provenance(started, settings.Training.Threads), "train",
                     context.Observer, context.Cancel);
    }

    /// <summary>Trains and writes <paramref name="dir"/>: what <see cref="Execute"/> and a pipeline's train phase both do once their data is loaded.</summary>
    /// <param name="source">The dataset as it can be named again (<see cref="DataSource.Recorded"/>).</param>
    public static TrainRunResult Train(TrainSettings settings, Dataset train, Dataset test, string source, RunDirectory dir, Provenance provenance, string label,
                                       IRunObserver observer, CancellationToken cancel)
    {
        void Built(Autoencoder model) => observer.TrainingStarted(new TrainingPlan([label], settings.Epochs, train.Count, test.Count, train.Name,
            $"{settings.Model.Name} model, {model.ParameterCount:N0} parameters, code size {model.CodeSize}", settings.Threads));

        var result = Trainer.Run(settings, train, test, p => observer.Training(label, p), cancel, Built);
        (IReadOnlyList<float[]>, IReadOnlyList<float[]>)? examples = null;
        if (result.Status != RunStatus.Diverged)
        {
            Checkpoint.Save(dir.File(CheckpointFile), result.Model, result.Spec, new Dictionary<string, string>
            {
                ["training"] = Json.Compact(TrainReport.Settings.Of(settings, result.Spec, train, test, source)),
                ["test_mse"] = result.TestMse.ToString("R", CultureInfo.InvariantCulture),
                ["bottleneck_version"] = Provenance.Version,
            });
            examples = Reconstructions.Of(result.Model, test, TrainReport.ExampleImages);
        }
        var results = TrainReport.Write(dir, settings, train, test, source, result, provenance, examples);
        return new TrainRunResult(dir.Path, result, results);
    }
}
