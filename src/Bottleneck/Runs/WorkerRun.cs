using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;

namespace Bottleneck.Runs;

/// <summary>What <c>bottleneck worker</c> does: join the studies of a shared storage and train their trials.</summary>
/// <param name="Storage">The storage that holds the studies.</param>
/// <param name="Study">The study to join; null joins every unfinished one, oldest first.</param>
/// <param name="Jobs">Trials in parallel in this process.</param>
/// <param name="Threads">Threads in all; no number depends on it.</param>
/// <param name="Wait">Wait for work that is not there yet: a named study until it exists (the worker still leaves once it is finished); with no study named, new studies, until stopped.</param>
/// <param name="DataDir">A folder to look for the datasets in first.</param>
public sealed record WorkerSettings(StudyStorage Storage, string? Study, int Jobs, int Threads, bool Wait = false, string? DataDir = null)
{
    /// <summary>How often a trial whose training throws is tried again before it is recorded as failed.</summary>
    public int MaxRetries { get; init; } = 2;
    /// <summary>How long a claim stays taken without a heartbeat before this worker takes the trial over; null for 60 s.</summary>
    public TimeSpan? Grace { get; init; }
    /// <summary>How long to wait between looks for work while other workers hold the last trials (or, with <see cref="Wait"/>, none is left).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Jobs, 1, "jobs");
        Require.Threads(Threads);
        Require.AtLeast(MaxRetries, 0, "max-retries");
        if (Grace is { } grace && grace <= TimeSpan.Zero) throw new SettingException("grace", $"must be positive, got {grace.TotalSeconds} s");
        if (Study is { Length: 0 }) throw new SettingException("study", "must be a name, got an empty one");
    }
}

/// <summary>What one worker did in one study.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="TrialsFinished">Trials this worker finished there.</param>
/// <param name="Left">Trials of the study not finished when the worker left it.</param>
/// <param name="IdleSeconds">Seconds the worker waited while other workers held the study's last trials.</param>
public sealed record WorkerStudy(string Study, int TrialsFinished, int Left, double IdleSeconds);

/// <summary>What a worker did, study by study, and whether it was stopped.</summary>
/// <param name="Studies">The studies it worked on, in order.</param>
/// <param name="Cancelled">Stopped (Ctrl-C) before the work was done; what it finished is committed.</param>
public sealed record WorkerResult(IReadOnlyList<WorkerStudy> Studies, bool Cancelled);

/// <summary>
/// A worker: for each unfinished study of the storage (or the one named), it reads the study's definition, loads the study's
/// data and proves them the same as the study's (their fingerprint) and its Bottleneck version the study's, then claims
/// trials until none is free. While other workers hold the last trials it waits, so that a trial whose worker dies (its
/// heartbeat lapses) is finished by this one; it leaves when every trial is done, or with <see cref="WorkerSettings.Wait"/>
/// looks for new studies until stopped. It writes nothing but the store: <c>bottleneck studies show</c> writes a report.
/// </summary>
public static class WorkerRun
{
    /// <summary>Works on the storage's studies until none is left (or, waiting, until <see cref="RunContext.Cancel"/>).</summary>
    public static WorkerResult Execute(WorkerSettings settings, RunContext context)
    {
        settings.Validate();
        var cancel = context.Cancel;
        var done = new List<WorkerStudy>();
        var settled = new HashSet<string>(); // studies this worker has nothing more to do in: finished, or refused
        bool reached = false;
        while (true)
        {
            IReadOnlyList<string> names;
            try
            {
                names = settings.Study is { } one ? [one] : settings.Storage.StudyNames();
                reached = true;
            }
            catch (StorageException e) when (reached && settings.Wait)
            {
                // A waiting worker outlives a server restart between studies; a storage never reached is an error at once.
                context.Observer.Warning($"{e.Message}; trying again");
                cancel.WaitHandle.WaitOne(settings.Poll);
                continue;
            }
            foreach (string name in names)
            {
                if (cancel.IsCancellationRequested) break;
                if (!settled.Contains(name) && Join(settings, name, context, settled) is { } outcome) done.Add(outcome);
            }
            // A named study's worker leaves once the study is finished, waiting or not (so a cluster's job completes).
            if (!settings.Wait || cancel.IsCancellationRequested || (settings.Study is { } named && settled.Contains(named))) break;
            cancel.WaitHandle.WaitOne(settings.Poll);
        }
        return new WorkerResult(done, cancel.IsCancellationRequested);
    }

    // Works on one study until every trial is finished; null when there was nothing to do in it (finished, or refused with a warning).
    private static WorkerStudy? Join(WorkerSettings settings, string name, RunContext context, HashSet<string> settled)
    {
        var observer = context.Observer;
        using var store = settings.Storage.Open(name, settings.Grace, observer.Warning, context.Cancel);
        if (store.Definition is not { } definition)
        {
            // Waiting, a worker may start before its study does (a cluster's workers before the study is submitted).
            if (settings.Study is not null && !settings.Wait)
                throw new SettingException("study", $"{settings.Storage} has no study {name} (bottleneck studies lists those it has)");
            return null;
        }
        var (stored, trials) = StudySettings.FromDefinition(definition, store.Name);
        // The definition lists every trial; the store may not hold them all yet (the study's first process adds them just after).
        if (Study.IsFinished(stored, trials, store))
        {
            settled.Add(name);
            return settings.Study is null ? null : new WorkerStudy(name, 0, 0, 0);
        }
        if (stored.Pruner == Pruner.Halving)
        {
            string why = $"{store.Name} prunes by synchronous halving, which runs in the process that started it; workers join studies without it or with asha";
            if (settings.Study is not null) throw new SettingException("study", why);
            observer.Warning(why);
            settled.Add(name);
            return null;
        }
        var s = stored with { Jobs = settings.Jobs, Threads = settings.Threads, MaxRetries = settings.MaxRetries };
        int? testLimit = StudyRun.InvocationsOf(store).FirstOrDefault()?.TestLimit;
        var (train, test) = StudyRun.DataOf(s, settings.DataDir, testLimit).Load(s.Seed, observer.Data);
        // Refuses (one line) other data or another Bottleneck version than the study's.
        store.Open(definition, DataFingerprint.Of(train, test));
        var started = DateTimeOffset.Now;
        store.AddInvocation(Json.Compact(context.Provenance(started, s.Threads).AsInvocation() with { TestLimit = testLimit }, ReportsJson.Default));

        // A worker has no run directory: asha's rung states wait in one folder per study and machine, which the workers here
        // share (each state is written whole, and any two of the same fold are the same bits).
        var states = new RungStates(Path.Combine(Path.GetTempPath(), "bottleneck-rung-states",
                                                 Checksums.Sha256(System.Text.Encoding.UTF8.GetBytes(store.Name + "\n" + definition))[..16]));
        int finished = 0;
        double idle = 0;
        var cancel = context.Cancel;
        void Progress(StudyProgress p)
        {
            if (p.Finished is not null) Interlocked.Increment(ref finished);
            observer.Study(p);
        }
        observer.StudyStarted(new StudyPlan(s, trials, train.Name, train.Count, test.Count, store.Name, s.PlannedEpochs(trials.Count),
                                            store.Trials().Count(t => t.ResultJson is not null), Study.EpochsTrained(store)));
        while (true)
        {
            var result = Study.Run(s, trials, train, test, store, progress: Progress, cancel: cancel, poll: settings.Poll, states: states);
            bool over = Study.IsFinished(s, trials, store);
            if (over) settled.Add(name);
            if (over || cancel.IsCancellationRequested) return new WorkerStudy(name, finished, result.Unfinished, idle);
            // Other workers hold the last trials: wait, and take over any whose worker stops beating.
            var waited = Stopwatch.StartNew();
            cancel.WaitHandle.WaitOne(settings.Poll);
            idle += waited.Elapsed.TotalSeconds;
            Study.RecordIdle(store, WorkerId.ForThisProcess(), waited.Elapsed.TotalSeconds, Progress);
        }
    }
}
