using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Data;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Search;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// What <c>tune</c> and <c>sweep</c> share: the base training options, the study options, starting or
/// resuming a study in its run directory (study.db holds every finished fold and trial), running
/// it, and writing and printing its results.
/// </summary>
public sealed class StudyCommand
{
    private readonly StudyKind _kind;
    private readonly Option<string> _dataset = DataOptions.Dataset("fashion-mnist");
    private readonly Option<string?> _dataDir = DataOptions.DataDir();
    private readonly Option<int?> _limit = DataOptions.Limit(), _testLimit = DataOptions.TestLimit();
    private readonly Option<string> _model = new("--model") { Description = "lab, dense, or a model file", DefaultValueFactory = _ => "lab" };
    private readonly Option<int> _code = new("--code-size") { Description = "Code size for the presets", DefaultValueFactory = _ => 20 };
    private readonly Option<string?> _hidden = new("--hidden") { Description = "Hidden layer sizes of the dense preset, e.g. 256,64" };
    private readonly Option<string> _optimizer = new("--optimizer") { Description = string.Join(", ", OptimizerSettings.Names), DefaultValueFactory = _ => "adam" };
    private readonly Option<double> _lr = new("--lr") { Description = "Learning rate (unless searched)", DefaultValueFactory = _ => 1e-3 };
    private readonly Option<double> _weightDecay = new("--weight-decay") { Description = "L2 weight decay (unless searched)", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _loss = new("--loss") { Description = "mse or bce", DefaultValueFactory = _ => "mse" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Epochs per trial (per fold)", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _batch = new("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
    private readonly Option<string?> _scheduler = new("--scheduler") { Description = "plateau[:patience=5,factor=0.1,…], step:step_size=N, exponential:gamma=G, cosine[:t_max=N]" };
    private readonly Option<int?> _earlyStopping = new("--early-stopping") { Description = "Stop a run after N epochs without improvement" };
    private readonly Option<string> _pruner = new("--pruner") { Description = "none, or halving (successive halving)", DefaultValueFactory = _ => "none" };
    private readonly Option<int> _eta = new("--eta") { Description = "Halving: keep the best 1/η of the trials at each rung", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _minEpochs = new("--min-epochs") { Description = "Halving: epochs of the first rung (default epochs/η²)", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _verify = new("--verify") { Description = "Halving: also run the full grid and say whether the winner is the same" };
    private readonly Option<int> _jobs = new("--jobs") { Description = "Trials in parallel (results do not depend on it)", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _top = new("--top") { Description = "Rows of the printed table", DefaultValueFactory = _ => 5 };
    private readonly Option<string?> _resume = new("--resume") { Description = "Continue the study in this run directory (or join it as another worker)" };
    private readonly Option<uint> _seed = CommonOptions.Seed(0);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _out = CommonOptions.Out();

    public StudyCommand(StudyKind kind) => _kind = kind;

    public void AddOptions(Command command)
    {
        foreach (var option in new Option[] { _dataset, _dataDir, _limit, _testLimit, _model, _code, _hidden, _optimizer, _lr, _weightDecay, _loss,
                                              _epochs, _batch, _scheduler, _earlyStopping, _pruner, _eta, _minEpochs, _verify, _jobs, _top, _resume,
                                              _seed, _threads, _out })
            command.Options.Add(option);
        _loss.AcceptOnlyFromAmong("mse", "bce");
        _pruner.AcceptOnlyFromAmong("none", "halving");
    }

    /// <summary>Runs a new study over <paramref name="space"/>'s trials, or resumes the one in --resume.</summary>
    public int Execute(ParseResult parsed, string commandName, Func<StudySettings, IReadOnlyList<TrialParams>>? space,
                       Func<StudySettings, StudySettings>? adjust = null)
    {
        string? resume = parsed.GetValue(_resume);
        var started = DateTimeOffset.Now;
        StudySettings settings;
        IReadOnlyList<TrialParams> trials;
        RunDirectory dir;
        SqliteStudyStore store;
        if (resume is not null)
        {
            if (!File.Exists(Path.Combine(resume, StoreFile)))
                throw new UsageException($"--resume {resume}: no {StoreFile} there; give the run directory of a tune or sweep");
            store = new SqliteStudyStore(Path.Combine(resume, StoreFile));
            (settings, trials) = StudySettings.FromDefinition(store.Definition);
            settings = settings with { Jobs = parsed.GetValue(_jobs), Threads = parsed.GetValue(_threads) };
            dir = CommonOptions.CreateRunDirectory(resume, commandName, started);
        }
        else
        {
            settings = Settings(parsed);
            if (adjust is not null) settings = adjust(settings);
            settings.Validate();
            trials = space!(settings);
            CommonOptions.CheckOut(parsed.GetValue(_out));
            store = null!;
            dir = null!;
        }
        settings.Validate();

        var (train, test) = DataOptions.Load(settings.Dataset, parsed.GetValue(_dataDir), settings.Limit, settings.Seed, parsed.GetValue(_testLimit));
        if (resume is null)
        {
            Check(settings, trials, train, test);
            dir = CommonOptions.CreateRunDirectory(parsed.GetValue(_out), commandName, started);
            store = new SqliteStudyStore(dir.File(StoreFile));
        }
        var provenance = new Provenance(CommonOptions.CommandLine(parsed), started, settings.Threads);
        var result = RunStudy(commandName, settings, trials, train, test, store, dir, provenance, parsed.GetValue(_verify), parsed.GetValue(_top));
        return result.Cancelled ? Cli.Failed : Cli.Success;
    }

    /// <summary>Every trial's settings are checked (and its model built) before anything is written.</summary>
    public static void Check(StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test)
    {
        var check = new TrialRunner(settings, train, test, store: null);
        foreach (var trial in trials) check.SettingsFor(trial, settings.Epochs, 1).Validate();
    }

    /// <summary>Runs (or resumes) a study in its directory, writes its report and prints its table; disposes the store.</summary>
    public static StudyResult RunStudy(string commandName, StudySettings settings, IReadOnlyList<TrialParams> trials, Dataset train, Dataset test,
                                       SqliteStudyStore store, RunDirectory dir, Provenance provenance, bool verify, int top)
    {
        using (store)
        {
            try
            {
                store.Open(settings.Definition(trials));
            }
            catch (StudyMismatchException)
            {
                throw new UsageException($"{dir.Path} already holds a different study; choose another --out, or --resume it as it was");
            }
            Console.WriteLine($"{commandName}: {trials.Count} trials on {train.Name} ({train.Count:N0} training, {test.Count:N0} test samples); " +
                              $"{(settings.Kind == StudyKind.Tune ? $"{settings.Folds}-fold cross-validation, " : "")}{settings.Epochs} epochs; " +
                              $"{settings.Jobs} jobs × {Math.Max(1, settings.Threads / settings.Jobs)} threads; study in {dir.File(StoreFile)}");
            if (settings.Halving) Console.WriteLine($"halving: rungs at {string.Join(", ", settings.Rungs())} epochs, keeping the best 1/{settings.Eta} at each");

            using var interrupt = new Interrupt();
            long planned = settings.PlannedEpochs(trials.Count);
            var result = StudyDisplay.Run(trials.Count, planned,
                report => Study.Run(settings, trials, train, test, store, verify, report, interrupt.Token));
            StudyReport.Write(dir, result, trials, provenance);
            Print(result, trials, top);
            Console.WriteLine($"results: {dir.Path}");
            if (result.Cancelled)
                Console.Error.WriteLine($"error: interrupted; finished folds and trials are saved: bottleneck {commandName} --resume {dir.Path} continues");
            return result;
        }
    }

    public const string StoreFile = "study.db";

    private StudySettings Settings(ParseResult p)
    {
        string optimizer = p.GetValue(_optimizer)!.ToLowerInvariant();
        if (!OptimizerSettings.Names.Contains(optimizer))
            throw new UsageException($"unknown optimizer '{optimizer}' (expected one of {string.Join(", ", OptimizerSettings.Names)})");
        return new StudySettings
        {
            Kind = _kind,
            Dataset = p.GetValue(_dataset)!,
            Limit = p.GetValue(_limit),
            Model = p.GetValue(_model)!,
            CodeSize = p.GetValue(_code),
            Hidden = CommonOptions.IntList(p.GetValue(_hidden), "--hidden"),
            Optimizer = optimizer,
            LearningRate = p.GetValue(_lr),
            WeightDecay = p.GetValue(_weightDecay),
            Loss = p.GetValue(_loss)!,
            Epochs = p.GetValue(_epochs),
            BatchSize = p.GetValue(_batch),
            Schedule = p.GetValue(_scheduler),
            EarlyStopping = p.GetValue(_earlyStopping),
            Seed = p.GetValue(_seed),
            Halving = p.GetValue(_pruner) == "halving",
            Eta = p.GetValue(_eta),
            MinEpochs = p.GetValue(_minEpochs),
            Jobs = p.GetValue(_jobs),
            Threads = p.GetValue(_threads),
        };
    }

    // Study B's Table 1 layout: the searched settings, then train and validation loss (mean ± std over folds).
    private static void Print(StudyResult result, IReadOnlyList<TrialParams> trials, int top)
    {
        var names = trials[0].Values.Select(v => v.Key).ToList();
        bool tune = result.Settings.Kind == StudyKind.Tune;
        var table = new Table().Border(TableBorder.Simple).Title(tune ? $"Top {top}: {result.Settings.Folds}-fold cross-validation" : $"Top {top}: test loss");
        table.AddColumn("rank");
        foreach (var n in names) table.AddColumn(new TableColumn(n).RightAligned());
        table.AddColumn(new TableColumn(tune ? "train loss" : "final train loss").RightAligned());
        table.AddColumn(new TableColumn(tune ? "validation loss" : "score").RightAligned());
        table.AddColumn("status");
        int rank = 0;
        foreach (var t in result.Ranked.Take(top))
        {
            var cells = new List<string> { (++rank).ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(names.Select(n => t.Params[n]));
            cells.Add(tune ? $"{t.MeanTrainLoss:0.000000} ± {t.StdTrainLoss:0.000000}" : $"{t.MeanTrainLoss:0.000000}");
            cells.Add(t.Status == TrialStatus.Diverged ? "—" : tune ? $"{t.MeanValLoss:0.000000} ± {t.StdValLoss:0.000000}" : $"{t.Score:0.000000}");
            cells.Add(t.Status == TrialStatus.Pruned ? $"pruned at {t.Budget} epochs" : t.Status.ToString().ToLowerInvariant());
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        AnsiConsole.Write(table);
        if (result.Unfinished > 0) Console.WriteLine($"{result.Unfinished} trials are not finished (interrupted, or still running in another process)");
        if (result.Settings.Halving)
            Console.WriteLine($"halving trained {result.EpochsTrained:N0} epochs instead of the full grid's {result.FullGridEpochs:N0} " +
                              $"({100.0 * result.EpochsTrained / result.FullGridEpochs:0}%), saving {result.FullGridEpochs - result.EpochsTrained:N0}");
        if (result.FullGridWinner is { } winner)
            Console.WriteLine(result.Best?.Params.Key == winner.Params.Key
                ? $"verified: the full grid's best is the same ({winner.Params}, score {winner.Score:0.000000})"
                : $"verified: the full grid's best differs: {winner.Params} (score {winner.Score:0.000000}) vs halving's {result.Best?.Params}");
    }
}
