using System.Globalization;

namespace Bottleneck.Search;

/// <summary>
/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020)
/// over a study's store, so that any number of workers on any number of machines share one ladder of rungs. A job is a
/// trial at one rung's budget, kept in the store under its own key (the trial's parameters and <c>epochs</c>). Each rung's
/// job is the start of the trial's full-budget run (its seeds, its schedule's horizon), so a promoted trial goes on from
/// the state its folds had at the rung below (<see cref="RungStates"/>), and one that reaches the full budget ends with the
/// numbers the unpruned grid gives it. A worker with nothing to run asks, in order:
/// <list type="number">
/// <item>Is a trial promotable: among the best ⌊n/η⌋ of the n results at its rung so far, highest rung first, and not yet
/// at the next? Then it is promoted (the decision recorded) and run.</item>
/// <item>Is a trial of the grid not started? Then it starts at the first rung.</item>
/// <item>Otherwise the worker waits until a job finishes, here or elsewhere.</item>
/// </list>
/// The grid is finite, so a rung eventually gets no more results (every trial started, none unfinished at it or below,
/// none promotable below): it is then closed and its best ⌈n/η⌉ (at least one) go on, as synchronous halving keeps them,
/// so that some trial always reaches the full budget. The study is finished when every rung is closed and no job is left.
/// </summary>
internal static class AsyncHalving
{
    /// <summary>The store's key of <paramref name="trial"/>'s job at <paramref name="epochs"/>: its parameters and the budget.</summary>
    public static string JobKey(TrialParams trial, int epochs) =>
        new TrialParams([.. trial.Values, KeyValuePair.Create("epochs", epochs.ToString(CultureInfo.InvariantCulture))]).Key;

    /// <summary>The trial and the budget of a job's key; a <see cref="DataFormatException"/> naming <paramref name="store"/> when it is not one.</summary>
    public static (TrialParams Trial, int Epochs) JobOf(string key, string store)
    {
        try
        {
            var all = TrialParams.FromJson(key);
            if (!all.Has("epochs") || !int.TryParse(all["epochs"], NumberStyles.None, CultureInfo.InvariantCulture, out int epochs))
                throw new System.Text.Json.JsonException("it has no whole number of epochs");
            return (new TrialParams([.. all.Values.Where(v => v.Key != "epochs")]), epochs);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new DataFormatException($"{store}: a stored job of the asha pruner is damaged ({e.Message.Split('\n')[0]}): {key}");
        }
    }

    // The rung a job of `epochs` runs at; a job at no rung of the study is a damaged store.
    private static int RungOf(IReadOnlyList<int> rungs, int epochs, string key, string store)
    {
        for (int r = 0; r < rungs.Count; r++)
            if (rungs[r] == epochs) return r;
        throw new DataFormatException($"{store}: the job {key} trains {epochs} epochs, which is no rung of the study ({string.Join(", ", rungs)})");
    }

    /// <summary>A promotion waiting to be made: the trial at rung <see cref="From"/>, ranked <see cref="Rank"/> of <see cref="Seen"/>.</summary>
    public readonly record struct Candidate(TrialParams Trial, int From, int Rank, int Seen, double Score, bool Closed);

    /// <summary>
    /// The ladder as the store holds it at one moment: each rung's finished results, which trials have a job where,
    /// what is unfinished, and what may be promoted.
    /// </summary>
    public sealed class Ladder
    {
        private readonly StudySettings _settings;
        private readonly IReadOnlyList<int> _rungs;
        private readonly Dictionary<(string Trial, int Rung), TrialResult?> _jobs = [];
        private readonly List<TrialResult>[] _results;
        private readonly int[] _unfinished;

        /// <summary>The grid's trials without a job yet, in the grid's order.</summary>
        public IReadOnlyList<TrialParams> Unstarted { get; }

        /// <summary>Jobs not finished (running, or waiting for a worker).</summary>
        public int Unfinished => _unfinished.Sum();

        /// <summary>Promotions due now, highest rung first and best first within a rung.</summary>
        public IReadOnlyList<Candidate> Promotable { get; }

        /// <summary>Every rung closed, no job left: nothing more will run.</summary>
        public bool Finished => Unstarted.Count == 0 && Unfinished == 0 && Promotable.Count == 0;

        public Ladder(StudySettings settings, IReadOnlyList<TrialParams> trials, IReadOnlyList<StoredTrial> held, string store)
        {
            _settings = settings;
            _rungs = settings.Rungs();
            _results = [.. _rungs.Select(_ => new List<TrialResult>())];
            _unfinished = new int[_rungs.Count];
            foreach (var job in held)
            {
                var (trial, epochs) = JobOf(job.Key, store);
                int rung = RungOf(_rungs, epochs, job.Key, store);
                var result = job.ResultJson is { } json ? TrialResult.Read(json, store, job.Key) : null;
                _jobs[(trial.Key, rung)] = result;
                if (result is null) _unfinished[rung]++;
                else _results[rung].Add(result with { Params = trial });
            }
            Unstarted = [.. trials.Where(t => !_jobs.ContainsKey((t.Key, 0)))];
            Promotable = Candidates();
        }

        /// <summary>Each started trial's result at the highest rung it finished, pruned when that is below the full budget.</summary>
        public IReadOnlyList<TrialResult> Results()
        {
            var best = new Dictionary<string, TrialResult>();
            for (int r = 0; r < _rungs.Count; r++)
                foreach (var result in _results[r])
                    best[result.Params.Key] = r < _rungs.Count - 1 && result.Status == TrialStatus.Completed ? result with { Status = TrialStatus.Pruned } : result;
            return [.. best.Values];
        }

        /// <summary>Trials of the grid whose last job is not finished, or that have none yet.</summary>
        public int Open(IReadOnlyList<TrialParams> trials) =>
            trials.Count(t => !Enumerable.Range(0, _rungs.Count).Any(r => _jobs.TryGetValue((t.Key, r), out var done) && done is not null)
                              || Enumerable.Range(0, _rungs.Count).Any(r => _jobs.TryGetValue((t.Key, r), out var running) && running is null));

        // Bottom-up, because whether a rung is closed depends on the rungs below; returned top-down, as workers take them.
        private List<Candidate> Candidates()
        {
            var byRung = new List<List<Candidate>>();
            bool closed = Unstarted.Count == 0;
            for (int r = 0; r < _rungs.Count - 1; r++)
            {
                closed &= _unfinished[r] == 0;
                int seen = _results[r].Count;
                int quota = seen == 0 ? 0 : closed ? Math.Max(1, (int)Math.Ceiling(seen / (double)_settings.Eta)) : seen / _settings.Eta;
                var ranked = StudyResult.Rank(_results[r]);
                var due = ranked.Take(quota)
                                .Select((t, i) => new Candidate(t.Params, r, i + 1, seen, t.Score, closed))
                                .Where(c => ranked[c.Rank - 1].Status == TrialStatus.Completed && !_jobs.ContainsKey((c.Trial.Key, r + 1)))
                                .ToList();
                byRung.Add(due);
                closed &= due.Count == 0;
            }
            byRung.Reverse();
            return [.. byRung.SelectMany(c => c)];
        }
    }

    /// <summary>
    /// Runs the ladder's jobs on <see cref="StudySettings.Jobs"/> slots until it is finished (or <paramref name="cancel"/>):
    /// each slot asks for the next job, runs it, commits it. A slot with nothing to run waits until a commit here wakes it, or
    /// <paramref name="poll"/> passes (for commits by other processes).
    /// </summary>
    public static void Run(StudySettings settings, IReadOnlyList<TrialParams> trials, TrialRunner runner, IStudyStore store, string worker,
                           int threads, TimeSpan poll, IdleMeter meter, Action<StudyProgress>? progress, CancellationToken cancel)
    {
        var rungs = settings.Rungs();
        object gate = new();
        using var wake = cancel.Register(() => { lock (gate) Monitor.PulseAll(gate); });
        // Every commit changes what may run next: it is made under the gate (so a slot deciding to wait saw it or is woken by
        // it), and wakes every waiting slot.
        void Commit(Action commit)
        {
            lock (gate)
            {
                commit();
                Monitor.PulseAll(gate);
            }
        }
        Study.InParallel(settings.Jobs, settings.Jobs, _ =>
        {
            while (!cancel.IsCancellationRequested)
            {
                Claim? claim = null;
                lock (gate)
                {
                    switch (Next(settings, trials, store, worker, rungs, progress, out claim))
                    {
                        case Step.Finished:
                            Monitor.PulseAll(gate);
                            return;
                        case Step.Again:
                            continue;
                        case Step.Wait:
                            progress?.Invoke(new StudyProgress(null, 0, null, null, Stage: new(0, rungs.Count, 0), Waiting: true));
                            Monitor.Wait(gate, poll);
                            continue;
                    }
                }
                var job = claim!.Value;
                var (trial, epochs) = JobOf(job.Key, store.Name);
                int rung = RungOf(rungs, epochs, job.Key, store.Name);
                Study.Work(settings, runner, store, worker, threads, job, trial, epochs, new StudyStage(rung + 1, rungs.Count, rung == 0 ? trials.Count : 0),
                           Commit, meter, progress, cancel);
            }
        }, cancel);
    }

    /// <summary>Whether nothing more will run in the study: every trial started, every rung closed, no job left.</summary>
    public static bool IsFinished(StudySettings settings, IReadOnlyList<TrialParams> trials, IStudyStore store) =>
        new Ladder(settings, trials, store.Trials(), store.Name).Finished;

    private enum Step { Claimed, Again, Wait, Finished }

    // One look at the store: promote the first promotable trial, or start the next trial of the grid, and claim a job.
    private static Step Next(StudySettings settings, IReadOnlyList<TrialParams> trials, IStudyStore store, string worker, IReadOnlyList<int> rungs,
                             Action<StudyProgress>? progress, out Claim? claim)
    {
        var ladder = new Ladder(settings, trials, store.Trials(), store.Name);
        bool added = false;
        if (ladder.Promotable.Count > 0)
        {
            var c = ladder.Promotable[0];
            var promotion = new Promotion(c.Trial, rungs[c.From], rungs[c.From + 1], c.Rank, c.Seen, c.Score, c.Closed, worker, DateTimeOffset.UtcNow);
            store.Promote(JobKey(c.Trial, rungs[c.From + 1]), Json.Compact(promotion, SearchJson.Default));
            progress?.Invoke(new StudyProgress(c.Trial, rungs[c.From + 1], null, null, Promoted: promotion));
            added = true;
        }
        claim = store.ClaimNext(worker);
        if (claim is null && !added && ladder.Unstarted.Count > 0)
        {
            store.AddTrials([JobKey(ladder.Unstarted[0], rungs[0])]);
            added = true;
            claim = store.ClaimNext(worker);
        }
        // Something was added but another worker took it first: look again at once.
        return claim is not null ? Step.Claimed : added ? Step.Again : ladder.Finished ? Step.Finished : Step.Wait;
    }
}
