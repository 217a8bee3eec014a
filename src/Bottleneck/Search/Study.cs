using System.Diagnostics;
using System.Runtime.CompilerServices;
using Bottleneck.Data;
using Bottleneck.Tensors;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// Progress of a study: a trial's training, or a trial just finished, in its <see cref="Stage"/>; or, with no trial, a
/// problem the study carried on through (<see cref="Warning"/>, e.g. a heartbeat the store did not take). With asha, also a
/// promotion just decided (<see cref="Promoted"/>), or a job slot starting to wait for one (<see cref="Waiting"/>).
/// </summary>
public readonly record struct StudyProgress(TrialParams? Trial, int Budget, TrainingProgress? Training, TrialResult? Finished, string? Warning = null,
                                            StudyStage Stage = default, Promotion? Promoted = null, bool Waiting = false);

/// <summary>
/// Which pass of a study a trial runs in, and how many trials that pass runs: every trial once (<see cref="Rungs"/> 0), rung
/// <see cref="Rung"/> of the halving pruner's <see cref="Rungs"/>, or the full grid that <c>--verify</c> runs after halving.
/// With asha, rungs above the first run as many trials as get promoted: <see cref="Trials"/> is 0 there, not known ahead.
/// </summary>
public readonly record struct StudyStage(int Rung, int Rungs, int Trials, bool Verify = false);

/// <summary>
/// Runs a study's trials through a store. Without pruning, workers (threads here, and any other
/// process on the same store) claim trials one at a time, so each runs exactly once; with the
/// halving pruner this process runs synchronous successive halving: every trial at the first
/// rung's budget, the best 1/η of them at the next, and so on up to the full budget; with asha,
/// workers climb the same rungs asynchronously (<see cref="AsyncHalving"/>). Synchronous halving's
/// promoted trials restart from scratch, so each rung's result is the trial's own at that budget
/// (a 9-epoch schedule at 9 epochs); asha's rungs are the start of the trial's full-budget run,
/// and a promoted job goes on from the state its rung below left (<see cref="RungStates"/>).
/// </summary>
public static class Study
{
    /// <summary>
    /// Runs the study's <paramref name="trials"/> on <paramref name="train"/> (folded) or tested on <paramref name="test"/>,
    /// keeping every fold in <paramref name="store"/>; with synchronous halving and <paramref name="verify"/>, the full grid
    /// too. <paramref name="poll"/>: with asha, how often a worker with nothing to run looks for commits by other processes
    /// (default 1 s). <paramref name="cancel"/> stops after the folds in progress; <paramref name="progress"/> is told of each.
    /// <paramref name="states"/>: with asha, where each fold's state at the end of a rung waits for the next (deleted when the
    /// study is finished); null trains every rung from scratch, with the same numbers.
    /// </summary>
    internal static StudyResult Run(StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test,
                                  IStudyStore store, bool verify = false, Action<StudyProgress>? progress = null, CancellationToken cancel = default,
                                  TimeSpan? poll = null, RungStates? states = null)
    {
        settings.Validate();
        if (trials.Count == 0) throw new ArgumentException("the study has no trials");
        if (settings.Halves && trials.Any(t => t.Has("epochs")))
            throw new ArgumentException($"the {settings.Pruner.ToString().ToLowerInvariant()} pruner sets each trial's epochs itself: do not search 'epochs' with it");
        var clock = Stopwatch.StartNew();
        var runner = new TrialRunner(settings, train, test, store, states);
        // Asha adds each trial's jobs as it gets to them: the store holds what was started, not the grid.
        if (settings.Pruner != Pruner.Asha) store.AddTrials([.. trials.Select(t => t.Key)]);
        int threadsPerTrial = Math.Max(1, settings.Threads / settings.Jobs);
        var meter = new IdleMeter(settings.Jobs);
        string worker = WorkerId.ForThisProcess();
        // Beats well within the grace period, so a live worker's claims never look abandoned.
        var beat = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, store.Grace.Ticks / 4));
        var missed = new StrongBox<bool>();
        Heartbeat(store, worker, progress, missed);
        var heartbeat = new Timer(_ => Heartbeat(store, worker, progress, missed), null, beat, beat);
        bool cancelled = false, ended = false;
        TrialResult? fullWinner = null;
        long? trainedByHalving = null;
        try
        {
            switch (settings.Pruner)
            {
                case Pruner.Halving:
                    Halve(settings, trials, runner, store, threadsPerTrial, meter, progress, cancel);
                    trainedByHalving = EpochsTrained(store);
                    if (verify)
                    {
                        var everyTrial = RunAll(settings, trials, t => runner.FullBudget(t), runner, threadsPerTrial, new(0, 0, trials.Count, Verify: true),
                                                meter, progress, cancel);
                        fullWinner = StudyResult.Rank(everyTrial)[0];
                    }
                    break;
                case Pruner.Asha:
                    AsyncHalving.Run(settings, trials, runner, store, worker, threadsPerTrial, poll ?? TimeSpan.FromSeconds(1), meter, progress, cancel);
                    if (!cancel.IsCancellationRequested && AsyncHalving.IsFinished(settings, trials, store)) states?.Clear();
                    break;
                default:
                    Claim(settings, runner, store, worker, threadsPerTrial, meter, progress, cancel);
                    break;
            }
            ended = true;
        }
        catch (OperationCanceledException)
        {
            cancelled = ended = true;
        }
        finally
        {
            // A study that failed says why once; its idle time is not worth a second complaint about the same store.
            if (ended) RecordIdle(store, worker, meter.Seconds, progress);
            // Wait for a heartbeat in flight: none may touch the store once the caller disposes it.
            using var stopped = new ManualResetEvent(false);
            if (heartbeat.Dispose(stopped)) stopped.WaitOne();
        }

        return Summarize(settings, trials, store, fullWinner, trainedByHalving, cancelled, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The study as its store holds it now: the finished trials ranked, the unfinished counted, the epochs trained.</summary>
    /// <param name="settings">The study's settings.</param>
    /// <param name="trials">Its trials.</param>
    /// <param name="store">Its store.</param>
    /// <param name="fullWinner">With halving and verification, the full grid's winner.</param>
    /// <param name="trained">The epochs trained, when the store's folds do not tell them (halving reruns rungs); null counts the stored folds.</param>
    /// <param name="cancelled">Whether the study was stopped.</param>
    /// <param name="seconds">How long this process worked on it.</param>
    internal static StudyResult Summarize(StudySettings settings, IReadOnlyList<TrialParams> trials, IStudyStore store, TrialResult? fullWinner = null,
                                          long? trained = null, bool cancelled = false, double seconds = 0)
    {
        var held = store.Trials();
        long full = trials.Sum(t => (long)TrialRunner.FullBudget(settings, t)) * settings.FoldsTrained;
        IReadOnlyList<TrialResult> results;
        int unfinished;
        if (settings.Pruner == Pruner.Asha)
        {
            var ladder = new AsyncHalving.Ladder(settings, trials, held, store.Name);
            results = ladder.Results();
            unfinished = ladder.Finished ? 0 : Math.Max(1, ladder.Open(trials));
        }
        else
        {
            results = [.. held.Where(t => t.ResultJson is not null).Select(t => TrialResult.Read(t.ResultJson!, store.Name, t.Key))];
            unfinished = trials.Count - results.Count;
        }
        return new StudyResult(settings, StudyResult.Rank(results), unfinished, trained ?? EpochsTrained(store), full, fullWinner, cancelled, seconds)
        {
            Promotions = [.. store.Promotions().Select(p => Promotion.Read(p, store.Name))],
            IdleSeconds = store.IdleSeconds().Values.Sum(),
        };
    }

    /// <summary>Whether every trial of the study is finished (with asha: every rung closed and no job left).</summary>
    internal static bool IsFinished(StudySettings settings, IReadOnlyList<TrialParams> trials, IStudyStore store)
    {
        if (settings.Pruner == Pruner.Asha) return AsyncHalving.IsFinished(settings, trials, store);
        var held = store.Trials();
        return held.Count >= trials.Count && held.All(t => t.ResultJson is not null);
    }

    // Workers claim trials from the store until none is left; each finished fold and trial is committed at once, under the claim.
    private static void Claim(StudySettings settings, TrialRunner runner, IStudyStore store, string worker, int threads, IdleMeter meter,
                              Action<StudyProgress>? progress, CancellationToken cancel)
    {
        var stage = new StudyStage(0, 0, store.Trials().Count);
        // Each of the Jobs workers claims trials until none is left.
        InParallel(settings.Jobs, settings.Jobs, _ =>
        {
            while (!cancel.IsCancellationRequested && store.ClaimNext(worker) is { } claim)
            {
                var trial = ParamsOf(claim.Key, store);
                Work(settings, runner, store, worker, threads, claim, trial, runner.FullBudget(trial), stage, commit => commit(), meter, progress, cancel);
            }
        }, cancel);
    }

    /// <summary>
    /// Trains the claimed <paramref name="trial"/> at <paramref name="budget"/> epochs and commits its result under the claim:
    /// a claim lost to another worker is let go, a trial whose training throws is counted as failed (and tried again or
    /// recorded), anything else gives the claim back and is thrown. <paramref name="commit"/> makes each final commit
    /// (asha serialises them with its decisions).
    /// </summary>
    internal static void Work(StudySettings settings, TrialRunner runner, IStudyStore store, string worker, int threads, Claim claim, TrialParams trial,
                              int budget, StudyStage stage, Action<Action> commit, IdleMeter meter, Action<StudyProgress>? progress, CancellationToken cancel)
    {
        var busy = Stopwatch.StartNew();
        try
        {
            var result = runner.Run(trial, budget, threads, p => progress?.Invoke(new(trial, budget, p, null, Stage: stage)), cancel, claim, worker, claim.Key);
            commit(() => store.Complete(claim.Key, Json.Compact(result, SearchJson.Default), claim, worker));
            progress?.Invoke(new(trial, budget, null, result, Stage: stage));
        }
        catch (ClaimLostException lost)
        {
            // Another worker has the trial now and computes the same numbers; this one goes on with the next.
            commit(() => { });
            progress?.Invoke(new(trial, budget, null, null, lost.Message, stage));
        }
        catch (Exception e) when (IsTrialFailure(e))
        {
            var failed = new TrialResult(trial, TrialStatus.Failed, budget, [], double.PositiveInfinity);
            int failures = 0;
            commit(() => failures = store.Fail(claim, worker, e.Message, settings.MaxRetries, Json.Compact(failed, SearchJson.Default)));
            string next = failures > settings.MaxRetries ? "recorded as failed" : $"it will be tried again ({failures} of {settings.MaxRetries + 1} tries so far)";
            progress?.Invoke(new(trial, budget, null, failures > settings.MaxRetries ? failed : null, $"trial {trial} failed: {e.Message}; {next}", stage));
        }
        catch
        {
            commit(() => store.Release(claim, worker));
            throw;
        }
        finally
        {
            meter.Worked(busy.Elapsed);
        }
    }

    // An error of the trial's own training (not the study being stopped, the store failing, or the data being damaged) fails that trial only.
    private static bool IsTrialFailure(Exception e) =>
        e is not (OperationCanceledException or IOException or DataFormatException or StorageException or OutOfMemoryException or ClaimLostException);

    private static void Halve(StudySettings settings, IReadOnlyList<TrialParams> trials, TrialRunner runner, IStudyStore store,
                              int threads, IdleMeter meter, Action<StudyProgress>? progress, CancellationToken cancel)
    {
        var alive = trials.ToList();
        var rungs = settings.Rungs();
        for (int r = 0; r < rungs.Count; r++)
        {
            int budget = rungs[r];
            var results = RunAll(settings, alive, _ => budget, runner, threads, new(r + 1, rungs.Count, alive.Count), meter, progress, cancel);
            bool last = r == rungs.Count - 1;
            var ranked = StudyResult.Rank(results);
            int keep = last ? ranked.Count : Math.Max(1, (int)Math.Ceiling(ranked.Count / (double)settings.Eta));
            for (int i = keep; i < ranked.Count; i++)
                store.Complete(ranked[i].Params.Key, Json.Compact(ranked[i] with { Status = ranked[i].Status == TrialStatus.Diverged ? TrialStatus.Diverged : TrialStatus.Pruned }, SearchJson.Default));
            if (last)
                foreach (var t in ranked) store.Complete(t.Params.Key, Json.Compact(t, SearchJson.Default));
            alive = [.. ranked.Take(keep).Where(t => t.Status != TrialStatus.Diverged).Select(t => t.Params)];
            if (alive.Count == 0) break;
        }
    }

    // Runs trials at their budgets, Jobs at a time; the results come back in the trials' order.
    private static List<TrialResult> RunAll(StudySettings settings, IReadOnlyList<TrialParams> trials, Func<TrialParams, int> budget,
                                            TrialRunner runner, int threads, StudyStage stage, IdleMeter meter, Action<StudyProgress>? progress,
                                            CancellationToken cancel)
    {
        var results = new TrialResult[trials.Count];
        InParallel(settings.Jobs, trials.Count, i =>
        {
            if (cancel.IsCancellationRequested) return;
            var trial = trials[i];
            int b = budget(trial);
            var busy = Stopwatch.StartNew();
            results[i] = runner.Run(trial, b, threads, p => progress?.Invoke(new(trial, b, p, null, Stage: stage)), cancel);
            meter.Worked(busy.Elapsed);
            progress?.Invoke(new(trial, b, null, results[i], Stage: stage));
        }, cancel);
        return [.. results];
    }

    // A heartbeat that fails (the store busy for long, the connection down) is skipped, not fatal: the worst case is that a
    // claim goes stale and another worker takes the trial over, whose late commit here is then refused. Told once per outage.
    private static void Heartbeat(IStudyStore store, string worker, Action<StudyProgress>? progress, StrongBox<bool> missed)
    {
        try
        {
            store.Heartbeat(worker);
            missed.Value = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!missed.Value) progress?.Invoke(new StudyProgress(null, 0, null, null, $"study store heartbeat failed ({e.Message}); continuing"));
            missed.Value = true;
        }
    }

    /// <summary>Adds a worker's idle time to the store. It is a figure for the report: a store that cannot take it now is told of, not fatal.</summary>
    internal static void RecordIdle(IStudyStore store, string worker, double seconds, Action<StudyProgress>? progress)
    {
        if (seconds <= 0) return;
        try
        {
            store.AddIdle(worker, seconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            progress?.Invoke(new StudyProgress(null, 0, null, null, $"could not record this worker's idle time ({e.Message}); continuing"));
        }
    }

    /// <summary>Epochs the store's committed folds trained, in all (not those a fold went on from): a resumed study's work so far.</summary>
    internal static long EpochsTrained(IStudyStore store) =>
        store.Trials().Sum(t => store.Stages(t.Key).Values.Sum(s => (long)FoldResult.Read(s, store.Name, t.Key).Trained));

    private static TrialParams ParamsOf(string key, IStudyStore store)
    {
        try
        {
            return TrialParams.FromJson(key);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new DataFormatException($"{store.Name}: a stored trial key is damaged ({e.Message.Split('\n')[0]}): {key}");
        }
    }

    /// <summary>body(0..count−1) on a pool of <paramref name="jobs"/> threads; a cancellation surfaces as itself, not wrapped.</summary>
    internal static void InParallel(int jobs, int count, Action<int> body, CancellationToken cancel)
    {
        using var pool = new WorkerPool(jobs);
        try
        {
            pool.For(count, body);
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancel);
        }
        cancel.ThrowIfCancellationRequested();
    }
}
