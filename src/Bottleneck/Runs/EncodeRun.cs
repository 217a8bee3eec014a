using System.Diagnostics;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck encode</c> does: the codes of a checkpoint for a dataset's test images, or for the rows of a CSV file.</summary>
/// <param name="Checkpoint">The model (a model.safetensors written by train).</param>
/// <param name="Dataset">The dataset whose test images are encoded; null for the one the model was trained on.</param>
/// <param name="Points">A numeric CSV of inputs to encode instead (optional <c>label</c> column), taken as they are.</param>
/// <param name="DataDir">A folder to look for the dataset in first.</param>
/// <param name="Samples">Only the first N test images; null encodes them all.</param>
/// <param name="Threads">Threads for the forward passes; the codes do not depend on it.</param>
public sealed record EncodeRunSettings(string Checkpoint, string? Dataset = null, string? Points = null, string? DataDir = null, int? Samples = null, int Threads = 1)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Points is not null && Dataset is not null) throw new SettingException("points", "and dataset: give one of the two");
        if (Points is not null && Samples is not null) throw new SettingException("samples", "goes with a dataset's test images, not with points");
        Require.AtLeast(Samples, 1, "samples");
        Require.Threads(Threads);
    }
}

/// <summary>The codes, and where their files are.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Codes">The codes [n, d], in the order of the samples.</param>
/// <param name="Errors">Each sample's reconstruction MSE.</param>
/// <param name="Results">What results.json holds.</param>
public sealed record EncodeRunResult(string Directory, Tensor Codes, double[] Errors, EncodeReport.Results Results);

/// <summary>A model's code for every sample, with its reconstruction error, in a run directory (<see cref="EncodeReport"/>).</summary>
public static class EncodeRun
{
    /// <summary>What <c>bottleneck encode</c> does: loads the model and the inputs, encodes and reconstructs them, and writes the run directory.</summary>
    public static EncodeRunResult Execute(EncodeRunSettings settings, RunContext context)
    {
        var prepared = Prepare(settings, context.Observer);
        context.CheckOut();
        var started = DateTimeOffset.Now;
        return Run(prepared, settings.Threads, () => context.CreateDirectory("encode", started, EncodeReport.SchemaName),
                   context.Provenance(started, settings.Threads), context.Observer);
    }

    /// <summary>The model and the inputs, checked before any folder is touched (what a pipeline's encode phase does first).</summary>
    internal static (Autoencoder Model, Dataset Inputs, EncodeReport.Settings Recorded) Prepare(EncodeRunSettings settings, IRunObserver observer)
    {
        settings.Validate();
        if (settings.Points is { } points)
        {
            var inputs = CsvDataset.Load(points);
            return (CheckpointData.LoadModel(settings.Checkpoint, inputs), inputs, new EncodeReport.Settings(settings.Checkpoint, null, Path.GetFullPath(points), null));
        }
        var data = CheckpointData.Load(settings.Checkpoint, settings.Dataset, settings.DataDir, settings.Samples, 0, observer.Data);
        return (data.Model, data.Test, new EncodeReport.Settings(settings.Checkpoint, data.Dataset, null, data.SplitSeed));
    }

    /// <summary>Encodes and reconstructs, then writes the directory <paramref name="directory"/> makes (only once the codes are known to be finite).</summary>
    internal static EncodeRunResult Run((Autoencoder Model, Dataset Inputs, EncodeReport.Settings Recorded) prepared, int threads, Func<RunDirectory> directory,
                                        Provenance provenance, IRunObserver observer)
    {
        var clock = Stopwatch.StartNew();
        var (model, inputs, recorded) = prepared;
        observer.ModelStudyStarted(new ModelStudyPlan(inputs.Name, inputs.Count, model.ParameterCount, model.CodeSize, threads));
        Tensor codes;
        double[] errors;
        using (var pool = new WorkerPool(threads))
        {
            model.Workers = pool;
            try
            {
                // The codes as embed --checkpoint computes them, so embed --points codes.csv maps the very same vectors.
                codes = CodeSpace.Encode(model, inputs.Features);
                errors = Reconstructions.Errors(model, inputs.Features);
            }
            finally
            {
                model.Workers = WorkerPool.Serial;
            }
        }
        // Checked before the run directory exists, so a model that overflows leaves nothing behind.
        if (Array.FindIndex(codes.Data, v => !float.IsFinite(v)) is var bad and >= 0)
            throw new DataFormatException($"{recorded.Checkpoint} gives a NaN or infinite code for sample {bad / codes.RowSize + 1} of {inputs.Name}; its weights overflow on these inputs");
        var dir = directory();
        var results = EncodeReport.Write(dir, recorded, codes, inputs.Labels, errors, model.ParameterCount, clock.Elapsed.TotalSeconds, provenance);
        return new EncodeRunResult(dir.Path, codes, errors, results);
    }
}
