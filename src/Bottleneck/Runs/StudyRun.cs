using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck tune</c> and <c>sweep</c> do: a study of <paramref name="Trials"/> on the study's dataset.</summary>
/// <param name="DataDir">A folder to look for the dataset in first.</param>
/// <param name="TestLimit">Only the first test samples (quick runs).</param>
/// <param name="Verify">With the halving pruner: also run the full grid and say whether its winner is the same.</param>
/// <param name="Study">The study's settings.</param>
/// <param name="Trials">The points of the search space to try.</param>
public sealed record StudyRunSettings(StudySettings Study, IReadOnlyList<TrialParams> Trials, string? DataDir = null, int? TestLimit = null, bool Verify = false)
{
    /// <summary>Where the study's trials live: a PostgreSQL database or an SQLite file shared with other workers; null keeps them in study.db in the run directory.</summary>
    public StudyStorage? Storage { get; init; }
    /// <summary>The study's name in <see cref="Storage"/>: how workers join it (<c>bottleneck worker --study NAME</c>); null names it after the run directory.</summary>
    public string? StudyName { get; init; }
    /// <summary>How long a claim stays taken without a heartbeat before another worker may take the trial over; null for 60 s.</summary>
    public TimeSpan? Grace { get; init; }

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Study.Validate();
        Require.AtLeast(TestLimit, 1, "test-limit");
        if (Grace is { } grace && grace <= TimeSpan.Zero) throw new SettingException("grace", $"must be positive, got {grace.TotalSeconds} s");
        if (StudyName is not null && Storage is null) throw new SettingException("study", "names a study in a shared storage: give the storage too");
        if (StudyName is { Length: 0 }) throw new SettingException("study", "must be a name, got an empty one");
        if (Trials.Count == 0) throw new SettingException(Study.Kind == StudyKind.Tune ? "grid" : "param", "gives no trial");
        // Asha's rungs depend on the order results come in; its full-grid check is a second study without a pruner.
        if (Verify && Study.Pruner == Pruner.Asha)
            throw new SettingException("verify", "checks synchronous halving only; for asha, run the same study without a pruner and compare the winners");
    }
}

/// <summary>
/// Continue (or join, as another worker) the study in a run directory, with its stored settings and trials. <paramref name="Kind"/>,
/// when given, is the kind the caller expects (a sweep is not resumed as a tune); <paramref name="TestLimit"/>, when given, must be the study's.
/// </summary>
public sealed record StudyResumeSettings(string Directory, int Jobs, int Threads, string? DataDir, int? TestLimit, bool Verify = false, StudyKind? Kind = null);

/// <summary>How a study went and where its files are; the trials in the order the search space gives them.</summary>
public sealed record StudyRunResult(string Directory, StudyResult Study, IReadOnlyList<TrialParams> Trials, StudyReport.Results Results);

/// <summary>
/// A study in its run directory: every finished fold and trial is committed to study.db (SQLite) before the next
/// starts, so a study stopped at any point (even by SIGKILL) resumes where it was, and several processes on one
/// machine can work on it at once; then trials.csv, the charts, results.json and report.html.
/// </summary>
public static class StudyRun
{
    /// <summary>The study store's file in the run directory.</summary>
    public const string StoreFile = "study.db";

    /// <summary>The folder of the run directory where asha keeps each fold's state between rungs, while the study runs.</summary>
    public const string StatesFolder = "rung-states";

    /// <summary>What <c>bottleneck tune</c> and <c>sweep</c> do: loads the data, runs the study and writes the run directory.</summary>
    public static StudyRunResult Execute(StudyRunSettings settings, RunContext context)
    {
        settings.Validate();
        context.CheckOut();
        var s = settings.Study;
        var (train, test) = DataOf(s, settings.DataDir, settings.TestLimit).Load(s.Seed, context.Observer.Data);
        Check(s, settings.Trials, train, test);
        var started = DateTimeOffset.Now;
        var dir = context.CreateDirectory(s.Kind == StudyKind.Tune ? "tune" : "sweep", started, StudyReport.SchemaName,
                                          continues: settings.Storage is null ? StoreFile : HtmlReport.ResultsFile);
        var store = settings.Storage is { } storage
            ? storage.Open(settings.StudyName ?? Path.GetFileName(Path.GetFullPath(dir.Path)), settings.Grace, context.Observer.Warning, context.Cancel)
            : new SqliteStudyStore(dir.File(StoreFile), settings.Grace);
        return Run(s, settings.Trials, train, test, store, dir, context.Provenance(started, s.Threads),
                   settings.Verify, context.Observer, context.Cancel, settings.TestLimit);
    }

    /// <summary>Goes on with the interrupted study in <see cref="StudyResumeSettings"/>' directory; finished folds are not trained again.</summary>
    public static StudyRunResult Resume(StudyResumeSettings settings, RunContext context)
    {
        string store = Path.Combine(settings.Directory, StoreFile);
        if (!File.Exists(store)) throw new SettingException("resume", $"{settings.Directory}: no {StoreFile} there; give the run directory of a tune or sweep");
        var started = DateTimeOffset.Now;
        var opened = new SqliteStudyStore(store);
        int? stored;
        StudySettings s;
        IReadOnlyList<TrialParams> trials;
        try
        {
            if (opened.Definition is not { } definition)
                throw new SettingException("resume", $"{settings.Directory}: its {StoreFile} holds no study yet (the run stopped before the study began); " +
                                                     "run the command that started it again, with this folder as its run directory, to begin it");
            (s, trials) = StudySettings.FromDefinition(definition, store);
            s = s with { Jobs = settings.Jobs, Threads = settings.Threads };
            s.Validate();
            if (settings.Kind is { } expected && s.Kind != expected)
                throw new SettingException("resume", $"{settings.Directory} holds a {Name(s.Kind)} study, not a {Name(expected)}; resume it as a {Name(s.Kind)}");
            stored = InvocationsOf(opened).FirstOrDefault()?.TestLimit;
            if (settings.TestLimit is { } given && given != stored)
                throw new SettingException("test-limit", $"cannot change a study being resumed: it was started with {(stored is { } n ? $"the first {n} test samples" : "every test sample")}");
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        var (train, test) = DataOf(s, settings.DataDir, stored).Load(s.Seed, context.Observer.Data);
        var dir = RunContext.CreateDirectory(settings.Directory);
        return Run(s, trials, train, test, opened, dir, context.Provenance(started, s.Threads), settings.Verify, context.Observer, context.Cancel, stored);
    }

    /// <summary>The invocations a store recorded, the one that started the study first (damaged records left out).</summary>
    internal static IEnumerable<Invocation> InvocationsOf(IStudyStore store)
    {
        foreach (string json in store.Invocations())
        {
            Invocation? invocation;
            try { invocation = Json.Deserialize<Invocation>(json, ReportsJson.Default); }
            catch (System.Text.Json.JsonException) { invocation = null; }
            if (invocation?.Command is not null) yield return invocation;
        }
    }

    private static string Name(StudyKind kind) => kind == StudyKind.Tune ? "tune" : "sweep";

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
    /// <param name="testLimit">The test-sample limit the data was loaded with, recorded with the invocation.</param>
    /// <param name="settings">The study.</param>
    /// <param name="trials">The trials to run.</param>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    /// <param name="store">The study store (disposed).</param>
    /// <param name="dir">The run directory.</param>
    /// <param name="provenance">Who runs it and how.</param>
    /// <param name="verify">Also run the full grid after halving.</param>
    /// <param name="observer">Told of progress.</param>
    /// <param name="cancel">Stops the study after the folds in progress.</param>
    internal static StudyRunResult Run(StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test, IStudyStore store,
                                     RunDirectory dir, Provenance provenance, bool verify, IRunObserver observer, CancellationToken cancel, int? testLimit = null)
    {
        using (store)
        {
            store.Open(settings.Definition(trials), DataFingerprint.Of(train, test));
            // The run's history: the invocation that started the study first, then every one that continued it.
            var mine = provenance.AsInvocation() with { TestLimit = testLimit };
            store.AddInvocation(Json.Compact(mine, ReportsJson.Default));
            provenance = Provenance.Of([.. InvocationsOf(store)], provenance);
            bool halving = settings.Pruner == Pruner.Halving;
            long planned = settings.PlannedEpochs(trials.Count) + (verify && halving ? (long)trials.Count * settings.Epochs * settings.FoldsTrained : 0);
            // Synchronous halving reruns every rung, so only a study without it resumes with finished trials to count.
            int finished = halving ? 0 : Study.Summarize(settings, trials, store).Ranked.Count;
            observer.StudyStarted(new StudyPlan(settings, trials, train.Name, train.Count, test.Count, store.Name, planned,
                                                finished, halving ? 0 : Study.EpochsTrained(store)));
            var result = Study.Run(settings, trials, train, test, store, verify, observer.Study, cancel, states: new RungStates(dir.File(StatesFolder)));
            var results = StudyReport.Write(dir, result, trials, provenance);
            var run = new StudyRunResult(dir.Path, result, trials, results);
            observer.StudyFinished(run);
            return run;
        }
    }
}
