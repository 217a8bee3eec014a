using Bottleneck.Data;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck optimizers</c> does: study A's protocol (or any variant of it) on a dataset, pooled and split by the study itself.</summary>
public sealed record OptimizersRunSettings(string Dataset, string? DataDir, OptimizerStudySettings Study)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new SettingException("dataset", "is empty");
        Study.Validate();
    }
}

/// <summary>How the study went, where its files are, and whether its numbers are comparable with the published ones.</summary>
public sealed record OptimizersRunResult(string Directory, OptimizerStudyResult Study, OptimizerStudyReport.Results Results, bool IsStudyA);

/// <summary>Study A: every optimizer trains the same autoencoder from the same weights; the run directory holds the ranking, curves and report.</summary>
public static class OptimizersRun
{
    public static OptimizersRunResult Execute(OptimizersRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var data = DatasetCatalog.Load(settings.Dataset, settings.DataDir, log: context.Observer.Data);
        var s = settings.Study;
        // Everything that can be wrong with the input is found before the run directory exists.
        var (train, test, summary) = OptimizerComparison.Prepare(s, data);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory("optimizers", started, OptimizerStudyReport.SchemaName);
        var labels = (from r in Enumerable.Range(0, s.Repeats) from o in s.Optimizers select Label(o, r, s.Repeats)).ToList();
        context.Observer.TrainingStarted(new TrainingPlan(labels, s.Epochs, train.Count, test.Count, data.Name,
                                                          $"dense model, code size {s.CodeSize}", s.Threads, summary));
        var result = OptimizerComparison.Run(s, data, p => context.Observer.Training(Label(p.Optimizer, p.Repeat, s.Repeats), p.Training), context.Cancel);
        var results = OptimizerStudyReport.Write(dir, result, context.Provenance(started, s.Threads));
        return new OptimizersRunResult(dir.Path, result, results, StudyAReference.Applies(s, settings.Dataset));
    }

    /// <summary>"Adam", or "Adam #2" for the second seed when there are several.</summary>
    public static string Label(string optimizer, int repeat, int repeats) =>
        repeats > 1 ? $"{OptimizerSettings.DisplayName(optimizer)} #{repeat + 1}" : OptimizerSettings.DisplayName(optimizer);
}
