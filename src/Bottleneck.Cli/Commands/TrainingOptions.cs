using System.CommandLine;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>The options that say what model to train and how, the same on every command that trains (train, tune, sweep).</summary>
public sealed class TrainingOptions(int epochs)
{
    private readonly Option<string> _model = new("--model") { Description = "lab (study B's conv autoencoder, 1×28×28), lab-rgb (the same for 3×32×32 colour), dense, vae-lab, vae-dense (variational), or a model file (.yaml/.json)", DefaultValueFactory = _ => "lab" };
    private readonly Option<int> _code = new("--code-size") { Description = "Code size for the lab and dense presets", DefaultValueFactory = _ => 20 };
    private readonly Option<string?> _hidden = new("--hidden") { Description = "Hidden layer sizes of the dense preset, e.g. 256,64" };
    private readonly Option<string> _optimizer = new("--optimizer") { Description = string.Join(", ", OptimizerSettings.Names), DefaultValueFactory = _ => "adam" };
    private readonly Option<double> _lr = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
    private readonly Option<double> _weightDecay = new("--weight-decay") { Description = "L2 weight decay (PyTorch semantics; decoupled for adamw)", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _convention = new("--defaults") { Description = "Other optimizer hyperparameters from: pytorch or keras", DefaultValueFactory = _ => "pytorch" };
    private readonly Option<string> _loss = new("--loss") { Description = "mse or bce", DefaultValueFactory = _ => "mse" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => epochs };
    private readonly Option<int> _batch = new("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
    private readonly Option<string?> _scheduler = Scheduler();
    private readonly Option<int?> _earlyStopping = EarlyStoppingOption();
    private readonly Option<string?> _denoise = new("--denoise") { Description = "Train a denoising autoencoder: corrupt each batch afresh, e.g. noise:0.3, occlusion:0.25, block:0.25 (several joined by +)" };
    private readonly Option<double> _beta = new("--beta") { Description = "Variational models: weight β of the KL term (β-VAE)", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _klWarmup = new("--kl-warmup") { Description = "Variational models: grow β linearly over this many epochs", DefaultValueFactory = _ => 0 };
    private readonly Option<double> _codeL1 = new("--code-l1") { Description = "Sparse autoencoder: add λ·mean|z| (an L1 penalty on the code) to the loss", DefaultValueFactory = _ => 0 };

    /// <summary>--scheduler, as every command that trains takes it.</summary>
    public static Option<string?> Scheduler() =>
        new("--scheduler") { Description = "plateau[:patience=5,factor=0.1,…], step:step_size=N, exponential:gamma=G, cosine[:t_max=N]" };

    /// <summary>--early-stopping, as every command that trains takes it.</summary>
    public static Option<int?> EarlyStoppingOption() => new("--early-stopping") { Description = "Stop a run after N epochs without improvement" };

    /// <summary>The schedule a --scheduler text names; null for none.</summary>
    public static ScheduleSpec? ScheduleOf(string? text) => text is not null && text != "none" ? ScheduleSpec.Parse(text) : null;

    public void AddTo(Command command)
    {
        _convention.AcceptOnlyFromAmong("pytorch", "keras");
        _loss.AcceptOnlyFromAmong(LossFunctions.Names.ToArray());
        foreach (var option in new Option[] { _model, _code, _hidden, _optimizer, _lr, _weightDecay, _convention, _loss, _epochs, _batch, _scheduler, _earlyStopping, _denoise, _codeL1, _beta, _klWarmup })
            command.Options.Add(option);
    }

    public string Model(ParseResult p) => p.GetValue(_model)!;
    public int CodeSize(ParseResult p) => p.GetValue(_code);
    public IReadOnlyList<int> Hidden(ParseResult p) => CommonOptions.IntList(p.GetValue(_hidden), "--hidden");
    public string Optimizer(ParseResult p) => p.GetValue(_optimizer)!.ToLowerInvariant();
    public double LearningRate(ParseResult p) => p.GetValue(_lr);
    public double WeightDecay(ParseResult p) => p.GetValue(_weightDecay);
    public OptimizerConvention Convention(ParseResult p) => p.GetValue(_convention) == "keras" ? OptimizerConvention.Keras : OptimizerConvention.PyTorch;
    public LossFunction Loss(ParseResult p) => LossFunctions.Parse(p.GetValue(_loss)!);
    public int Epochs(ParseResult p) => p.GetValue(_epochs);

    /// <summary>The --epochs option itself, which may go with --resume (to train a finished run longer).</summary>
    public Option EpochsOption => _epochs;

    /// <summary>--epochs when it was given; null when it stands at its default.</summary>
    public int? GivenEpochs(ParseResult p) => p.GetResult(_epochs) is { Implicit: false } ? p.GetValue(_epochs) : null;
    public int BatchSize(ParseResult p) => p.GetValue(_batch);
    public int? EarlyStopping(ParseResult p) => p.GetValue(_earlyStopping);

    public ScheduleSpec? Schedule(ParseResult p) => ScheduleOf(p.GetValue(_scheduler));
    public Denoising? Denoise(ParseResult p) => p.GetValue(_denoise) is { } text ? Denoising.Parse(text) : null;
    public double CodeL1(ParseResult p) => p.GetValue(_codeL1);
    public double Beta(ParseResult p) => p.GetValue(_beta);
    public int KlWarmup(ParseResult p) => p.GetValue(_klWarmup);

    /// <summary>A model file sets the architecture itself: the preset sizes given beside it are ignored, which deserves a word.</summary>
    public IEnumerable<string> IgnoredWithModelFile(ParseResult p) =>
        Presets.Names.Contains(Model(p)) ? [] : new Option[] { _code, _hidden }.Where(o => p.GetResult(o) is { Implicit: false })
            .Select(o => $"{o.Name} is ignored: the model file {Model(p)} sets the architecture");

    /// <summary>The training settings the options give.</summary>
    public TrainSettings Settings(ParseResult p, uint seed, int threads) => new()
    {
        Model = new ModelChoice(Model(p), CodeSize(p), Hidden(p)),
        Optimizer = OptimizerSettings.Defaults(Optimizer(p), Convention(p)) with { LearningRate = LearningRate(p), WeightDecay = WeightDecay(p) },
        Loss = Loss(p),
        Epochs = Epochs(p),
        BatchSize = BatchSize(p),
        Schedule = Schedule(p),
        EarlyStopping = EarlyStopping(p),
        Denoise = Denoise(p),
        CodeL1 = CodeL1(p),
        Beta = Beta(p),
        KlWarmup = KlWarmup(p),
        Seed = seed,
        Threads = threads,
    };
}
