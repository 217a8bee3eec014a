using Bottleneck.Analysis;
using Bottleneck.Reports;
using Bottleneck.Tensors;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck generate</c> does: samples, interpolations and (for a 2-D code) the manifold grid of a variational autoencoder.</summary>
/// <param name="Checkpoint">The variational model (a model.safetensors written by train).</param>
/// <param name="Dataset">The dataset whose test images are interpolated between; null for the one the model was trained on.</param>
/// <param name="DataDir">A folder to look for the dataset in first.</param>
/// <param name="Samples">Draws from the prior.</param>
/// <param name="Pairs">Pairs of test images (the first 2·pairs) interpolated between.</param>
/// <param name="Steps">Images per interpolation, both ends included.</param>
/// <param name="Grid">The manifold grid's side (a 2-D code only).</param>
/// <param name="Seed">The seed of the prior draws.</param>
public sealed record GenerateRunSettings(string Checkpoint, string? Dataset = null, string? DataDir = null, int Samples = 64, int Pairs = 8, int Steps = 10,
                                         int Grid = 15, uint Seed = 0)
{
    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Samples, 1, "samples");
        Require.AtLeast(Pairs, 1, "pairs");
        Require.AtLeast(Steps, 2, "steps");
        Require.AtLeast(Grid, 2, "grid");
        if (Samples > 10_000 || Pairs * Steps > 10_000 || Grid > 100) throw new SettingException("samples", "asks for more than 10,000 images in one grid");
    }
}

/// <summary>Where the images are.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Results">What results.json holds.</param>
public sealed record GenerateRunResult(string Directory, GenerateReport.Results Results);

/// <summary>A variational autoencoder's decoder at work on codes it never saw, as image grids in a run directory (<see cref="GenerateReport"/>).</summary>
public static class GenerateRun
{
    /// <summary>What <c>bottleneck generate</c> does: loads the model and test images, decodes, and writes the run directory.</summary>
    public static GenerateRunResult Execute(GenerateRunSettings settings, RunContext context)
    {
        var data = Prepare(settings, context.Observer);
        context.CheckOut();
        var started = DateTimeOffset.Now;
        return Run(settings, data, context.CreateDirectory("generate", started, GenerateReport.SchemaName), context.Provenance(started, 1));
    }

    /// <summary>The variational model and the test images, checked before any folder is touched (what a pipeline's generate phase does first).</summary>
    internal static CheckpointData Prepare(GenerateRunSettings settings, IRunObserver observer)
    {
        settings.Validate();
        var data = CheckpointData.Load(settings.Checkpoint, settings.Dataset, settings.DataDir, 2 * settings.Pairs, settings.Seed, observer.Data);
        var model = data.Model;
        if (!model.Variational)
            throw new SettingException("checkpoint", $"{settings.Checkpoint} is a plain autoencoder; generate draws from the prior of a variational one (a vae-lab or vae-dense model)");
        if (data.Test.Count < 2 * settings.Pairs) throw new SettingException("pairs", $"needs {2 * settings.Pairs} test images; {data.Test.Name} has {data.Test.Count}");
        if (data.Test.ImageShape is not [1 or 3, _, _])
            throw new SettingException("checkpoint", $"{data.Test.Name} is not images ([C, H, W] with 1 or 3 channels); generate draws image grids");
        return data;
    }

    internal static GenerateRunResult Run(GenerateRunSettings settings, CheckpointData data, RunDirectory dir, Provenance provenance)
    {
        var model = data.Model;
        var (channels, height, width) = (data.Test.ImageShape![0], data.Test.ImageShape[1], data.Test.ImageShape[2]);
        var samples = Generation.PriorSamples(model, settings.Samples, new RandomState(settings.Seed));
        var pairs = Enumerable.Range(0, settings.Pairs).Select(p => (2 * p, 2 * p + 1)).ToList();
        var lines = Generation.Interpolations(model, data.Test.Features, pairs, settings.Steps);
        var manifold = model.CodeSize == 2 ? Generation.Manifold(model, settings.Grid) : null;
        byte[] Grid(Tensor images, int columns) => ImageGrid.RenderRows(
            [.. Enumerable.Range(0, (images.Rows + columns - 1) / columns).Select(r =>
                (IReadOnlyList<float[]>)[.. Enumerable.Range(r * columns, Math.Min(columns, images.Rows - r * columns)).Select(i => images.Row(i).ToArray())])],
            height, width, scale: 2, channels: channels);
        var results = new GenerateReport.Results(GenerateReport.SchemaName, provenance, settings.Checkpoint, data.Dataset, model.CodeSize,
                                                 settings.Samples, settings.Pairs, settings.Steps, manifold is null ? null : settings.Grid, settings.Seed);
        GenerateReport.Write(dir, results, Grid(samples, GenerateReport.Columns), Grid(lines, settings.Steps), manifold is null ? null : Grid(manifold, settings.Grid));
        return new GenerateRunResult(dir.Path, results);
    }
}
