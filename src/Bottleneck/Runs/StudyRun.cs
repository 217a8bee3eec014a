using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck tune</c> and <c>sweep</c> do: a study of <paramref name="Trials"/> on the study's dataset.</summary>
/// <param name="DataDir">A folder to look for the dataset in first.</param>
/// <param name="TestLimit">Only the first test samples (quick runs).</param>
/// <param name="Verify">With the halving pruner: also run the full grid and say whether its winner is the same.</param>
public sealed record StudyRunSettings(StudySettings Study, IReadOnlyList<TrialParams> Trials, string? DataDir = null, int? TestLimit = null, bool Verify = false)
{
    public void Validate()
    {
        Study.Validate();
        Require.AtLeast(TestLimit, 1, "test-limit");
        if (Trials.Count == 0) throw new SettingException(Study.Kind == StudyKind.Tune ? "grid" : "param", "gives no trial");
    }
}

/// <summary>Continue (or join, as another worker) the study in a run directory, with its stored settings and trials.</summary>
public sealed record StudyResumeSettings(string Directory, int Jobs, int Threads, string? DataDir, int? TestLimit, bool Verify = false);

/// <summary>How a study went and where its files are; the trials in the order the search space gives them.</summary>
public sealed record StudyRunResult(string Directory, StudyResult Study, IReadOnlyList<TrialParams> Trials, StudyReport.Results Results);

/// <summary>
/// A study in its run directory: every finished fold and trial is committed to study.db (SQLite) before the next
/// starts, so a study stopped at any point (even by SIGKILL) resumes where it was, and several processes on one
/// machine can work on it at once; then trials.csv, the charts, results.json and report.html.
/// </summary>
public static class StudyRun
{
    public const string StoreFile = "study.db";

    public static StudyRunResult Execute(StudyRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var s = settings.Study;
        var (train, test) = DataOf(s, settings.DataDir, settings.TestLimit).Load(s.Seed, context.Observer.Data);
        Check(s, settings.Trials, train, test);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory(s.Kind == StudyKind.Tune ? "tune" : "sweep", started);
        return Run(s, settings.Trials, train, test, new SqliteStudyStore(dir.File(StoreFile)), dir, context.Provenance(started, s.Threads),
                   settings.Verify, context.Observer, context.Cancel);
    }

    public static StudyRunResult Resume(StudyResumeSettings settings, RunContext context)
    {
        string store = Path.Combine(settings.Directory, StoreFile);
        if (!File.Exists(store)) throw new SettingException("resume", $"{settings.Directory}: no {StoreFile} there; give the run directory of a tune or sweep");
        var started = DateTimeOffset.Now;
        var opened = new SqliteStudyStore(store);
        StudySettings s;
        IReadOnlyList<TrialParams> trials;
        try
        {
            (s, trials) = StudySettings.FromDefinition(opened.Definition);
            s = s with { Jobs = settings.Jobs, Threads = settings.Threads };
            s.Validate();
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        var (train, test) = DataOf(s, settings.DataDir, settings.TestLimit).Load(s.Seed, context.Observer.Data);
        var dir = RunContext.CreateDirectory(settings.Directory);
        return Run(s, trials, train, test, opened, dir, context.Provenance(started, s.Threads), settings.Verify, context.Observer, context.Cancel);
    }

    /// <summary>The data a study trains on: its dataset and limit, looked for first in <paramref name="dataDir"/>.</summary>
    public static DataSource DataOf(StudySettings study, string? dataDir, int? testLimit) => new(study.Dataset, dataDir, study.Limit, testLimit);

    /// <summary>Every trial's settings are checked (and its model sized to the data) before anything is written.</summary>
    public static void Check(StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test)
    {
        var check = new TrialRunner(settings, train, test, store: null);
        foreach (var trial in trials)
        {
            var trialSettings = check.SettingsFor(trial, settings.Epochs, 1);
            trialSettings.Validate();
            trialSettings.Model.For(train.SampleShape);
        }
    }

    /// <summary>Runs (or resumes) a study in <paramref name="dir"/> and writes its report; disposes the store.</summary>
    public static StudyRunResult Run(StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test, IStudyStore store,
                                     RunDirectory dir, Provenance provenance, bool verify, IRunObserver observer, CancellationToken cancel)
    {
        using (store)
        {
            store.Open(settings.Definition(trials));
            observer.StudyStarted(new StudyPlan(settings, trials, train.Name, train.Count, test.Count, dir.File(StoreFile), settings.PlannedEpochs(trials.Count)));
            var result = Study.Run(settings, trials, train, test, store, verify, observer.Study, cancel);
            var results = StudyReport.Write(dir, result, trials, provenance);
            var run = new StudyRunResult(dir.Path, result, trials, results);
            observer.StudyFinished(run);
            return run;
        }
    }
}
