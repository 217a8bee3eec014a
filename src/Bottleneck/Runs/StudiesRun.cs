using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>One study of a storage as <c>bottleneck studies</c> lists it.</summary>
/// <param name="Name">Its name (what <c>worker --study</c> and <c>studies show</c> take).</param>
/// <param name="Kind">Tune or sweep.</param>
/// <param name="Dataset">The dataset it trains on.</param>
/// <param name="Trials">Its trials in all.</param>
/// <param name="Done">Finished trials (completed, pruned or diverged).</param>
/// <param name="Running">Unfinished trials claimed by a worker.</param>
/// <param name="Failed">Trials recorded as failed.</param>
/// <param name="Left">Trials neither finished nor claimed.</param>
/// <param name="Best">The best completed trial so far; null when none completed.</param>
/// <param name="LiveWorkers">Workers whose heartbeat is within the grace period.</param>
public sealed record StudySummary(string Name, StudyKind Kind, string Dataset, int Trials, int Done, int Running, int Failed, int Left,
                                  TrialResult? Best, IReadOnlyList<string> LiveWorkers);

/// <summary>What <c>bottleneck studies show</c> does: the study's ranked trials, written as a run directory and report.</summary>
/// <param name="Storage">The storage holding the study.</param>
/// <param name="Study">The study's name.</param>
public sealed record StudyShowSettings(StudyStorage Storage, string Study);

/// <summary>The studies of a shared storage: listed, or one of them written out as the usual run directory from the database.</summary>
public static class StudiesRun
{
    /// <summary>Every study in <paramref name="storage"/>, oldest first.</summary>
    public static IReadOnlyList<StudySummary> List(StudyStorage storage)
    {
        var summaries = new List<StudySummary>();
        foreach (string name in storage.StudyNames())
        {
            using var store = storage.Open(name);
            if (store.Definition is not { } definition) continue;
            var (settings, trials) = StudySettings.FromDefinition(definition, store.Name);
            // Each trial's result as the study ranks it (with asha, at the highest rung it reached; its jobs are not trials).
            var study = Study.Summarize(settings, trials, store);
            var results = study.Ranked;
            int running = store.Trials().Count(t => t.ResultJson is null && t.ClaimedBy is not null);
            summaries.Add(new StudySummary(name, settings.Kind, settings.Dataset, trials.Count, results.Count(r => r.Status != TrialStatus.Failed), running,
                                           results.Count(r => r.Status == TrialStatus.Failed), Math.Max(0, trials.Count - results.Count - running), study.Best,
                                           store.LiveWorkers()));
        }
        return summaries;
    }

    /// <summary>Writes the study's trials.csv, charts, results.json and report.html into the run directory, from the database as it is now.</summary>
    public static StudyRunResult Show(StudyShowSettings settings, RunContext context)
    {
        context.CheckOut();
        using var store = settings.Storage.Open(settings.Study);
        if (store.Definition is not { } definition)
            throw new SettingException("study", $"{settings.Storage} has no study {settings.Study} (bottleneck studies lists those it has)");
        var (study, trials) = StudySettings.FromDefinition(definition, store.Name);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory(study.Kind == StudyKind.Tune ? "tune" : "sweep", started, StudyReport.SchemaName, continues: HtmlReport.ResultsFile);
        var provenance = Provenance.Of([.. StudyRun.InvocationsOf(store)], context.Provenance(started, study.Threads));
        var result = Study.Summarize(study, trials, store);
        return new StudyRunResult(dir.Path, result, trials, StudyReport.Write(dir, result, trials, provenance));
    }
}
