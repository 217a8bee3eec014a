using Bottleneck.Analysis;
using Bottleneck.Reports;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck robustness</c> does: noise and occlusion curves of a checkpoint on test images.</summary>
public sealed record RobustnessRunSettings(RobustnessSettings Robustness, string? DataDir = null);

/// <summary>The curves, and where their files are.</summary>
public sealed record RobustnessRunResult(string Directory, RobustnessResult Curves, RobustnessReport.Results Results);

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
        observer.ModelStudyStarted(new ModelStudyPlan(data.Test.Name, data.Test.Count, data.Model.ParameterCount, data.Model.CodeSize, settings.Threads));
        var curves = RobustnessResult.Compute(settings, data.Model, data.Test, observer.Robustness);
        var results = RobustnessReport.Write(dir, settings, data.Model, data.Test.ImageShape, curves, provenance);
        return new RobustnessRunResult(dir.Path, curves, results);
    }
}
