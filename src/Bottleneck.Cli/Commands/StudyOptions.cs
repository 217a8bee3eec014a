using System.CommandLine;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// What <c>tune</c> and <c>sweep</c> share: the training options, the study options, and starting or resuming a
/// study in its run directory (study.db holds every finished fold and trial), then printing how it ended.
/// </summary>
public sealed class StudyOptions(StudyKind kind)
{
    private readonly TrainingOptions _training = new(epochs: 20);
    private readonly Option<string> _dataset = DataOptions.Dataset("fashion-mnist");
    private readonly Option<string?> _dataDir = DataOptions.DataDir();
    private readonly Option<int?> _limit = DataOptions.Limit(), _testLimit = DataOptions.TestLimit();
    private readonly Option<string> _pruner = new("--pruner") { Description = "none, halving (synchronous successive halving) or asha (asynchronous, for many workers)", DefaultValueFactory = _ => "none" };
    private readonly Option<int> _eta = new("--eta") { Description = "Halving: keep the best 1/η of the trials at each rung", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _minEpochs = new("--min-epochs") { Description = "Halving: epochs of the first rung (default epochs/η²)", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _verify = new("--verify") { Description = "Halving: also run the full grid and say whether the winner is the same" };
    private readonly Option<int> _jobs = new("--jobs") { Description = "Trials in parallel (results do not depend on it)", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _top = new("--top") { Description = "Rows of the printed table", DefaultValueFactory = _ => 5 };
    private readonly Option<string?> _resume = new("--resume") { Description = "Continue the study in this run directory (or join it as another worker)" };
    private readonly Option<string?> _storage = CommonOptions.Storage("Keep the trials in a storage shared with workers on other machines");
    private readonly Option<string?> _study = new("--study") { Description = "The study's name in --storage (default: the run directory's name)" };
    private readonly Option<double> _grace = CommonOptions.Grace();
    private readonly Option<int> _maxRetries = CommonOptions.MaxRetries();
    private readonly Option<uint> _seed = CommonOptions.Seed(0);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _out = CommonOptions.Out();

    public void AddTo(Command command)
    {
        _training.AddTo(command);
        foreach (var option in new Option[] { _dataset, _dataDir, _limit, _testLimit, _pruner, _eta, _minEpochs, _verify, _jobs, _top, _resume, _storage, _study,
                                              _grace, _maxRetries, _seed, _threads, _out })
            command.Options.Add(option);
        _pruner.AcceptOnlyFromAmong("none", "halving", "asha");
    }

    /// <summary>Runs a new study over <paramref name="space"/>'s trials, or resumes the one in --resume.</summary>
    public int Execute(ParseResult parsed, string commandName, Func<StudySettings, IReadOnlyList<TrialParams>> space, Func<StudySettings, StudySettings>? adjust = null)
    {
        string? resume = parsed.GetValue(_resume);
        bool verify = parsed.GetValue(_verify);
        if (resume is not null) CommonOptions.RefuseChangesOnResume(parsed, [_resume, _jobs, _threads, _dataDir, _testLimit, _verify, _top], "study");
        using var interrupt = new Interrupt();
        var result = ConsoleObserver.Run(observer =>
        {
            observer.Top = parsed.GetValue(_top);
            var context = CommonOptions.Context(parsed, _out, observer, interrupt.Token);
            if (resume is not null)
                return StudyRun.Resume(new StudyResumeSettings(resume, parsed.GetValue(_jobs), parsed.GetValue(_threads), parsed.GetValue(_dataDir),
                                                               parsed.GetValue(_testLimit), verify, kind), context);
            var settings = Settings(parsed);
            if (adjust is not null) settings = adjust(settings);
            settings.Validate();
            return StudyRun.Execute(new StudyRunSettings(settings, space(settings), parsed.GetValue(_dataDir), parsed.GetValue(_testLimit), verify)
            {
                Storage = StudyStorage.FromSettingOrEnvironment(parsed.GetValue(_storage)),
                StudyName = parsed.GetValue(_study),
                Grace = TimeSpan.FromSeconds(parsed.GetValue(_grace)),
            }, context);
        });
        Console.WriteLine($"results: {result.Directory}");
        if (!result.Study.Cancelled) return Cli.Success;
        Console.Error.WriteLine($"error: interrupted; finished folds and trials are saved: bottleneck {commandName} --resume {CommonOptions.ShellQuoted(result.Directory)} continues");
        return Cli.Failed;
    }

    private StudySettings Settings(ParseResult p) => new()
    {
        Kind = kind,
        Dataset = p.GetValue(_dataset)!,
        Limit = p.GetValue(_limit),
        Model = _training.Model(p),
        CodeSize = _training.CodeSize(p),
        Hidden = _training.Hidden(p),
        Optimizer = _training.Optimizer(p),
        Convention = _training.Convention(p),
        LearningRate = _training.LearningRate(p),
        WeightDecay = _training.WeightDecay(p),
        Loss = _training.Loss(p),
        Epochs = _training.Epochs(p),
        BatchSize = _training.BatchSize(p),
        Schedule = _training.Schedule(p),
        EarlyStopping = _training.EarlyStopping(p),
        Denoise = _training.Denoise(p),
        CodeL1 = _training.CodeL1(p),
        Beta = _training.Beta(p),
        KlWarmup = _training.KlWarmup(p),
        Seed = p.GetValue(_seed),
        Pruner = Enum.Parse<Pruner>(p.GetValue(_pruner) ?? "none", ignoreCase: true),
        Eta = p.GetValue(_eta),
        MinEpochs = p.GetValue(_minEpochs),
        Jobs = p.GetValue(_jobs),
        Threads = p.GetValue(_threads),
        MaxRetries = p.GetValue(_maxRetries),
    };
}
