using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Training;

/// <summary>
/// A run stopped at the end of any epoch and resumed from its <see cref="TrainingState"/> (through the file it is saved
/// in) gives the same bits as one uninterrupted run: every optimizer's state, the schedule, the shuffle order and
/// Dropout's masks go on exactly where they were.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-resume-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private static (Dataset Train, Dataset Test) Digits01()
    {
        var digits = Digits.Load();
        var scaled = digits.WithFeatures(new MinMaxScaler().FitTransform(digits.Features));
        var (train, test) = TrainTestSplit.Split(scaled, 0.25, 42);
        return (train.Subset([.. Enumerable.Range(0, 500)]), test.Subset([.. Enumerable.Range(0, 200)]));
    }

    // Dropout and BatchNorm in the model, so its random stream and running statistics must come back too.
    private string ModelFile()
    {
        string path = Path.Combine(_dir, "model.yaml");
        File.WriteAllText(path, "input: [64]\nencoder: [dense: 32, batchnorm1d, relu, dropout: 0.2, dense: 8]\ndecoder: [dense: 32, relu, dense: 64, sigmoid]\n");
        return path;
    }

    private TrainSettings Settings(string optimizer, int epochs, int threads, string? schedule) => new()
    {
        Model = new ModelChoice(ModelFile()),
        Optimizer = OptimizerSettings.Defaults(optimizer, OptimizerConvention.PyTorch) with
        {
            LearningRate = 3e-3, Momentum = optimizer is "sgd" or "rmsprop" ? 0.9 : 0, Centered = optimizer == "rmsprop", WeightDecay = 1e-4,
        },
        Epochs = epochs,
        BatchSize = 48,
        Schedule = schedule is null ? null : ScheduleSpec.Parse(schedule),
        Seed = 5,
        Threads = threads,
    };

    private static float[] Weights(TrainResult r) => [.. Checkpoint.StateDict(r.Model).SelectMany(t => t.Value.Data)];

    [Theory]
    [InlineData("adam", "plateau:patience=0,factor=0.5")]
    [InlineData("adamw", "cosine")]
    [InlineData("nadam", "step:step_size=2,gamma=0.5")]
    [InlineData("sgd", "exponential:gamma=0.9")]
    [InlineData("rmsprop", null)]
    [InlineData("adagrad", null)]
    [InlineData("adadelta", null)]
    [InlineData("adamax", null)]
    public void A_run_resumed_from_its_saved_state_gives_the_same_bits_as_an_uninterrupted_one(string optimizer, string? schedule)
    {
        var (train, test) = Digits01();
        var whole = Trainer.Run(Settings(optimizer, 6, threads: 1, schedule), train, test);

        // Stopped after epoch 2 (a run planned for 6, cancelled in epoch 3), saved to a file, resumed on another thread count.
        using var cancel = new CancellationTokenSource();
        var first = Trainer.Run(Settings(optimizer, 6, threads: 2, schedule), train, test,
                                p => { if (p.Epoch == 3) cancel.Cancel(); }, cancel.Token);
        first.Status.Should().Be(RunStatus.Cancelled);
        first.State!.Epoch.Should().Be(2);
        string path = Path.Combine(_dir, "state.safetensors");
        TrainingStateFile.Save(path, first.State, new Dictionary<string, string> { ["note"] = "kept" });
        var (state, metadata) = TrainingStateFile.Load(path);
        metadata["note"].Should().Be("kept");

        var resumed = Trainer.Run(Settings(optimizer, 6, threads: 2, schedule), train, test, resume: state);

        resumed.Status.Should().Be(RunStatus.Completed);
        resumed.Epochs.Should().Equal(whole.Epochs.Select((e, i) => i < 2 ? first.Epochs[i] : e), (a, b) =>
            a.Epoch == b.Epoch && a.TrainLoss == b.TrainLoss && a.EvalLoss == b.EvalLoss && a.LearningRate == b.LearningRate);
        Weights(resumed).Should().Equal(Weights(whole));
        resumed.TestMse.Should().Be(whole.TestMse);
    }

    [Fact]
    public void A_finished_run_trained_longer_matches_a_run_planned_that_long()
    {
        var (train, test) = Digits01();
        var four = Trainer.Run(Settings("adam", 4, 1, "plateau:patience=0"), train, test);
        var longer = Trainer.Run(Settings("adam", 7, 1, "plateau:patience=0"), train, test, resume: four.State);
        var seven = Trainer.Run(Settings("adam", 7, 1, "plateau:patience=0"), train, test);
        Weights(longer).Should().Equal(Weights(seven));
        longer.Epochs.Should().HaveCount(7);
    }

    [Fact]
    public void A_state_that_is_not_the_models_is_refused()
    {
        var (train, test) = Digits01();
        var adam = Trainer.Run(Settings("adam", 1, 1, null), train, test);
        FluentActions.Invoking(() => Trainer.Run(Settings("adadelta", 2, 1, null), train, test, resume: adam.State))
            .Should().Throw<ArgumentException>().WithMessage("*Adadelta keeps 30 state tensors*saved state has 20*");
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("nan")]
    [InlineData("counters")]
    public void A_damaged_state_file_is_one_clear_error(string damage)
    {
        var (train, test) = Digits01();
        var run = Trainer.Run(Settings("adam", 2, 1, null), train, test);
        string path = Path.Combine(_dir, "state.safetensors");
        TrainingStateFile.Save(path, run.State!, new Dictionary<string, string>());
        switch (damage)
        {
            case "truncated":
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);
                break;
            case "nan":
                run.State!.Optimizer[0][0] = float.NaN;
                TrainingStateFile.Save(path, run.State, new Dictionary<string, string>());
                break;
            default:
                // The counters say 9 epochs, the history holds 2.
                var bytes = File.ReadAllBytes(path);
                int at = bytes.AsSpan().IndexOf("\\\"epoch\\\":2"u8);
                at.Should().BePositive("the counters are in the header");
                bytes[at + "\\\"epoch\\\":".Length] = (byte)'9';
                File.WriteAllBytes(path, bytes);
                break;
        }
        FluentActions.Invoking(() => TrainingStateFile.Load(path)).Should().Throw<DataFormatException>().WithMessage($"{path}*");
    }
}
