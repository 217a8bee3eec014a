using Bottleneck.Analysis;
using Bottleneck.Models;
using Bottleneck.Reports;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck robustness</c> does: noise and occlusion curves of a checkpoint on test images.</summary>
public sealed record RobustnessRunSettings(RobustnessSettings Robustness, string? DataDir = null);

/// <summary>The curves, and where their files are.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Curves">The first model's curves.</param>
/// <param name="Results">What results.json holds: every model's rows.</param>
public sealed record RobustnessRunResult(string Directory, RobustnessResult Curves, RobustnessReport.Results Results)
{
    /// <summary>Every model's curves, in the order of <see cref="RobustnessSettings.Checkpoints"/> (the first is <see cref="Curves"/>).</summary>
    public IReadOnlyList<RobustnessResult> All { get; init; } = [];
}

/// <summary>A trained model's reconstruction error under damage, level by level, in a run directory (<see cref="RobustnessReport"/>).</summary>
public static class RobustnessRun
{
    /// <summary>What <c>bottleneck robustness</c> does: loads the checkpoint and its test images, corrupts, reconstructs and writes the run directory.</summary>
    public static RobustnessRunResult Execute(RobustnessRunSettings settings, RunContext context)
    {
        var (robustness, data) = Prepare(settings, context.Observer);
        context.CheckOut();
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("robustness", started, RobustnessReport.SchemaName);
        return Run(robustness, data, dir, context.Provenance(started, robustness.Threads), context.Observer);
    }

    /// <summary>Checks the settings and loads the model and the test images (what a pipeline's robustness phase does before touching its folder).</summary>
    internal static (RobustnessSettings Settings, CheckpointData Data) Prepare(RobustnessRunSettings settings, IRunObserver observer)
    {
        var s = settings.Robustness;
        s.Validate();
        var data = CheckpointData.Load(s.Checkpoint, s.Dataset, settings.DataDir, s.Samples, s.Seed, observer.Data);
        return (s with { Dataset = data.Dataset, SplitSeed = data.SplitSeed }, data);
    }

    internal static RobustnessRunResult Run(RobustnessSettings settings, CheckpointData data, RunDirectory dir, Provenance provenance, IRunObserver observer)
    {
        // Every model meets the same images under the same corruptions (one seed), so the curves differ only by the model.
        var models = new List<Autoencoder> { data.Model };
        foreach (string checkpoint in settings.Compare) models.Add(CheckpointData.LoadModel(checkpoint, data.Test));
        var labels = settings.ModelLabels;
        var all = new List<RobustnessResult>();
        for (int m = 0; m < models.Count; m++)
        {
            observer.ModelStudyStarted(new ModelStudyPlan(data.Test.Name, data.Test.Count, models[m].ParameterCount, models[m].CodeSize, settings.Threads,
                                                          models.Count > 1 ? labels[m] : null));
            all.Add(RobustnessResult.Compute(settings, models[m], data.Test, observer.Robustness));
        }
        var results = RobustnessReport.Write(dir, settings, models, data.Test.ImageShape, all, provenance);
        return new RobustnessRunResult(dir.Path, all[0], results) { All = all };
    }
}
