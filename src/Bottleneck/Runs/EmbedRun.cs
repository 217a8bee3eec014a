using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Tensors;

namespace Bottleneck.Runs;

/// <summary>
/// What <c>bottleneck embed</c> maps: the codes of the first <paramref name="Samples"/> test images of <paramref name="Dataset"/>
/// (null: the one the checkpoint was trained on) under a <paramref name="Checkpoint"/>, followed by training images when there are
/// fewer test images than that (70,000 maps all of Fashion-MNIST), or the rows of a CSV file of <paramref name="Points"/>.
/// </summary>
public sealed record EmbedRunSettings(EmbedSettings Embed, string? Checkpoint, string? Points, string? Dataset = null, string? DataDir = null, int Samples = 2000);

/// <summary>The map, and where its files are.</summary>
public sealed record EmbedRunResult(string Directory, EmbedOutcome Outcome, EmbedReport.Results Results);

/// <summary>A 2-D map of a code space (or of any points) with its quality, in a run directory (<see cref="EmbedReport"/>).</summary>
public static class EmbedRun
{
    /// <summary>What <c>bottleneck embed</c> does: loads the points, maps them and writes the run directory.</summary>
    public static EmbedRunResult Execute(EmbedRunSettings settings, RunContext context)
    {
        var points = Prepare(settings, context.Observer);
        context.CheckOut();
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("embed", started, EmbedReport.SchemaName);
        return Run(settings.Embed, points, dir, context.Provenance(started, settings.Embed.Threads), context.Observer, context.Cancel);
    }

    /// <summary>What is embedded: vectors, their labels (if any) and where they came from; checked against the method before anything is written.</summary>
    public sealed record Points(Tensor Vectors, int[]? Labels, EmbedReport.Source Source);

    /// <summary>The points <paramref name="settings"/> name: a checkpoint's codes of test images, or a CSV file's rows.</summary>
    public static Points Prepare(EmbedRunSettings settings, IRunObserver observer)
    {
        settings.Embed.Validate();
        if ((settings.Checkpoint is null) == (settings.Points is null))
            throw new SettingException("checkpoint", "or points: give exactly one of the two");
        Points points;
        if (settings.Points is not null)
        {
            var data = CsvDataset.Load(settings.Points);
            points = new Points(data.Features, data.Labels, EmbedReport.Source.OfPoints(settings.Points));
        }
        else
        {
            Require.AtLeast(settings.Samples, 2, "samples");
            var data = CheckpointData.Load(settings.Checkpoint!, settings.Dataset, settings.DataDir, settings.Samples, settings.Embed.Seed, observer.Data);
            var images = data.Test;
            if (settings.Samples > images.Count)
            {
                var (train, _) = new DataSource(data.Dataset, settings.DataDir, Limit: settings.Samples - images.Count).Load(data.SplitSeed, observer.Data);
                images = images.Concatenate(train);
            }
            using var pool = new WorkerPool(settings.Embed.Threads);
            data.Model.Workers = pool;
            var codes = CodeSpace.Encode(data.Model, images.Features);
            data.Model.Workers = WorkerPool.Serial;
            if (Array.FindIndex(codes.Data, v => !float.IsFinite(v)) is var bad and >= 0)
                throw new DataFormatException($"{settings.Checkpoint} gives a NaN or infinite code for image {bad / codes.RowSize + 1} of {images.Name}; its weights overflow on these images");
            var classes = MnistFamily.Find(images.Name)?.ClassNames;
            points = new Points(codes, images.Labels,
                new EmbedReport.Source(settings.Checkpoint, images.Name, data.Model.CodeSize, data.SplitSeed, classes, null));
        }
        settings.Embed.Validate(points.Vectors.Rows, points.Vectors.RowSize);
        return points;
    }

    internal static EmbedRunResult Run(EmbedSettings settings, Points points, RunDirectory dir, Provenance provenance, IRunObserver observer, CancellationToken cancel)
    {
        observer.EmbedStarted(new EmbedPlan(points.Vectors.Rows, points.Vectors.RowSize, settings.Method, settings.Threads));
        var outcome = CodeSpaceEmbedding.Run(points.Vectors, points.Labels, settings, cancel: cancel);
        var results = EmbedReport.Write(dir, settings, points.Source, points.Labels, outcome, provenance);
        return new EmbedRunResult(dir.Path, outcome, results);
    }
}
