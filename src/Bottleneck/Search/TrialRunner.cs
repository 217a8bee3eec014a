using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// Trains one trial at one epoch budget: every fold of the training set (tune) or the whole
/// training set tested on the test set (sweep). Each finished fold is saved in the store before
/// the next starts, and folds already there are read back instead of retrained, which is how an
/// interrupted study resumes. A trial's seed comes from the study seed and its parameters only. With asha, each rung's job
/// is the start of the trial's full-budget run (its seeds, and its horizon for the schedule), so the job at the next rung
/// goes on from the fold's state at the rung below when <see cref="RungStates"/> has it, and gives the same numbers when not.
/// </summary>
internal sealed class TrialRunner
{
    private readonly StudySettings _study;
    private readonly Dataset _train, _test;
    private readonly IStudyStore? _store;
    private readonly RungStates? _states;
    private readonly Lazy<IReadOnlyList<(Dataset Train, Dataset Validation)>> _folds;

    /// <param name="store">Where folds are saved and found again; null when only <see cref="SettingsFor(TrialParams, int, int)"/> is needed.</param>
    /// <param name="study">The study's settings.</param>
    /// <param name="train">The training set (folded for a tune).</param>
    /// <param name="test">The test set (a sweep's evaluation).</param>
    /// <param name="states">With asha, where each fold's state at the end of a rung is kept for the next; null trains every rung from scratch.</param>
    public TrialRunner(StudySettings study, Dataset train, Dataset test, IStudyStore? store, RungStates? states = null)
    {
        (_study, _train, _test, _store, _states) = (study, train, test, store, states);
        // One set of folds for every trial (from the study seed), so trials are compared on the same splits.
        _folds = new(() => [.. KFold.Split(train.Count, study.Folds, study.Seed)
            .Select((f, i) => (train.Subset(f.Train, train.Name), train.Subset(f.Validation, train.Name)))]);
    }

    /// <summary>The training settings of a trial: the study's, changed by the trial's parameters.</summary>
    public TrainSettings SettingsFor(TrialParams trial, int budget, int threads) => SettingsFor(_study, trial, budget, threads);

    /// <summary>The training settings of <paramref name="trial"/> in <paramref name="study"/> at <paramref name="budget"/> epochs on <paramref name="threads"/> threads.</summary>
    internal static TrainSettings SettingsFor(StudySettings study, TrialParams trial, int budget, int threads)
    {
        string Get(string name, string fallback) => trial.Has(name) ? trial[name] : fallback;
        double Number(string name, double fallback) => trial.Has(name) ? double.Parse(trial[name], CultureInfo.InvariantCulture) : fallback;
        var model = new ModelChoice(Get("model", study.Model), (int)Number("code-size", study.CodeSize), study.Hidden);
        var optimizer = OptimizerSettings.Defaults(Get("optimizer", study.Optimizer), study.Convention) with
        {
            LearningRate = Number("lr", study.LearningRate),
            WeightDecay = Number("weight-decay", study.WeightDecay),
        };
        return new TrainSettings
        {
            Model = model,
            Optimizer = optimizer,
            Loss = study.Loss,
            Epochs = budget,
            BatchSize = (int)Number("batch-size", study.BatchSize),
            Schedule = study.Schedule,
            EarlyStopping = study.EarlyStopping,
            Denoise = trial.Has("denoise") ? Denoising.Parse(trial["denoise"]) : study.Denoise,
            CodeL1 = Number("code-l1", study.CodeL1),
            Beta = study.Beta,
            KlWarmup = study.KlWarmup,
            Seed = RandomState.Derive(study.Seed, trial.Key),
            Threads = threads,
        };
    }

    /// <summary>The epochs a trial trains for at full budget: its own "epochs" parameter, or the study's.</summary>
    public int FullBudget(TrialParams trial) => FullBudget(_study, trial);

    /// <summary>The epochs <paramref name="trial"/> of <paramref name="study"/> trains for at full budget.</summary>
    public static int FullBudget(StudySettings study, TrialParams trial) =>
        trial.Has("epochs") ? int.Parse(trial["epochs"], CultureInfo.InvariantCulture) : study.Epochs;

    /// <summary>
    /// Trains (or reads back) every fold of <paramref name="trial"/> at <paramref name="budget"/> epochs; under a
    /// <paramref name="claim"/> of <paramref name="worker"/>, each fold is committed only while the claim holds. The folds are
    /// the store's under <paramref name="key"/> (by default the trial's own; a rung's job with asha).
    /// </summary>
    public TrialResult Run(TrialParams trial, int budget, int threads, Action<TrainingProgress>? progress, CancellationToken cancel,
                           Claim? claim = null, string? worker = null, string? key = null)
    {
        var store = _store ?? throw new InvalidOperationException("this runner has no study store");
        // Asha's rungs are parts of one run: the full budget's seeds and horizon, each rung going on from the one below.
        bool continued = _study.Pruner == Pruner.Asha;
        int full = FullBudget(trial);
        int below = continued ? _study.Rungs().LastOrDefault(b => b < budget) : 0;
        var settings = SettingsFor(trial, budget, threads) with { Horizon = continued ? full : null };
        string row = key ?? trial.Key;
        var stages = store.Stages(row);
        var folds = new List<FoldResult>();
        var parts = _study.Kind == StudyKind.Tune ? _folds.Value : [(_train, _test)];
        for (int f = 0; f < parts.Count; f++)
        {
            string part = _study.Kind == StudyKind.Tune ? $"fold{f}" : "full";
            string stage = $"b{budget}/{part}";
            if (stages.TryGetValue(stage, out var saved))
            {
                folds.Add(FoldResult.Read(saved, store.Name, row));
                continue;
            }
            cancel.ThrowIfCancellationRequested();
            var foldSettings = settings with { Seed = RandomState.Derive(settings.Seed, continued ? $"b{full}/{part}" : stage) };
            var resume = below > 0 ? _states?.Load(trial, part, below, foldSettings, foldSettings.Model.For(parts[f].Train.SampleShape)) : null;
            var outcome = Trainer.Run(foldSettings, parts[f].Train, parts[f].Validation, progress, cancel, resume: resume);
            if (outcome.Status == RunStatus.Cancelled) throw new OperationCanceledException(cancel);
            if (continued && budget < full && outcome.Status == RunStatus.Completed && outcome.State is { } state) _states?.Save(trial, part, budget, state);
            var fold = new FoldResult(outcome.Status, outcome.Epochs, resume?.Epoch ?? 0);
            store.SaveStage(row, stage, Json.Compact(fold, SearchJson.Default), claim, worker);
            if (resume is not null) _states!.Drop(trial, part, below);
            folds.Add(fold);
            if (fold.Status == RunStatus.Diverged) break;
        }
        bool diverged = folds.Any(f => f.Status == RunStatus.Diverged);
        return new TrialResult(trial, diverged ? TrialStatus.Diverged : TrialStatus.Completed, budget, folds,
                               diverged ? double.PositiveInfinity : Score(folds));
    }

    // Tune: the mean final validation loss over folds. Sweep: the mean test loss of the last K epochs, or the best epoch's.
    private double Score(List<FoldResult> folds)
    {
        if (_study.Kind == StudyKind.Tune) return folds.Average(f => f.EvalLoss);
        var losses = folds[0].Epochs.Select(e => e.EvalLoss).ToList();
        return _study.ScoreBest ? losses.Min() : losses.TakeLast(_study.LastEpochs).Average();
    }
}
