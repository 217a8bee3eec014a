using System.Globalization;
using System.Text.Json;
using Bottleneck.Layers;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Schedules;

public class SchedulerTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("schedules.json").Select(c => c.GetProperty("name").GetString()!)];

    private static SGD Optimizer(double lr) => new([new Parameter("w", 2)], lr);

    [Theory]
    [MemberData(nameof(Names))]
    public void Scheduler_matches_pytorch_after_every_epoch(string name)
    {
        var c = Fixture.Case("schedules.json", name);
        var optimizer = Optimizer(Fixture.Double(c, "initial_lr"));
        CheckAgainstFixture(c, FromPyTorchArgs(c.GetProperty("kind").GetString()!, c.GetProperty("args"), optimizer));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Schedule_spec_with_the_fixture_settings_matches_pytorch(string name)
    {
        var c = Fixture.Case("schedules.json", name);
        var optimizer = Optimizer(Fixture.Double(c, "initial_lr"));
        var settings = c.GetProperty("args").EnumerateObject().Select(a =>
            $"{a.Name.ToLowerInvariant()}={(a.Value.ValueKind == JsonValueKind.String ? a.Value.GetString() : a.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture))}");
        var spec = ScheduleSpec.Parse($"{c.GetProperty("kind").GetString()}:{string.Join(",", settings)}");
        CheckAgainstFixture(c, spec.Create(optimizer, epochs: 1000)!);
    }

    private static void CheckAgainstFixture(JsonElement c, LRScheduler scheduler)
    {
        string name = c.GetProperty("name").GetString()!;
        var metrics = c.GetProperty("metrics").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? double.Parse(m.GetString()!, CultureInfo.InvariantCulture) : m.GetDouble()).ToList();
        var lrs = c.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        scheduler.InitialLearningRate.Should().Be(Fixture.Double(c, "initial_lr"));
        lrs.Count.Should().Be(metrics.Count).And.BeGreaterThanOrEqualTo(7);
        for (int epoch = 0; epoch < metrics.Count; epoch++)
        {
            scheduler.Step(metrics[epoch]);
            double actual = scheduler.LearningRate, expected = lrs[epoch];
            // 1e-12 relative; in practice every value is bit-identical to PyTorch's (checked with 0).
            if (!(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected)))
                throw new Xunit.Sdk.XunitException($"{name} epoch {epoch + 1}: lr {actual:R}, PyTorch {expected:R}");
        }
        scheduler.Epoch.Should().Be(metrics.Count);
    }

    // PyTorch's keyword arguments, as the fixture records them, onto our constructors.
    private static LRScheduler FromPyTorchArgs(string kind, JsonElement a, Optimizer optimizer) => kind switch
    {
        "plateau" => new ReduceLROnPlateau(optimizer, a.GetProperty("mode").GetString()!, Fixture.Double(a, "factor"),
                                           a.GetProperty("patience").GetInt32(), Fixture.Double(a, "threshold"),
                                           a.GetProperty("threshold_mode").GetString()!, a.GetProperty("cooldown").GetInt32(),
                                           Fixture.Double(a, "min_lr"), Fixture.Double(a, "eps")),
        "step" => new StepLR(optimizer, a.GetProperty("step_size").GetInt32(), Fixture.Double(a, "gamma")),
        "exponential" => new ExponentialLR(optimizer, Fixture.Double(a, "gamma")),
        "cosine" => new CosineAnnealingLR(optimizer, a.GetProperty("T_max").GetInt32(), Fixture.Double(a, "eta_min")),
        _ => throw new ArgumentException($"fixture kind '{kind}'"),
    };

    [Fact]
    public void Fixtures_cover_every_schedule_kind_and_plateau_mode()
    {
        var cases = Fixture.Cases("schedules.json").ToList();
        cases.Select(c => c.GetProperty("kind").GetString()).Distinct().Should().BeEquivalentTo(["plateau", "step", "exponential", "cosine"]);
        var plateaus = cases.Where(c => c.GetProperty("kind").GetString() == "plateau").Select(c => c.GetProperty("args")).ToList();
        plateaus.Select(a => (a.GetProperty("mode").GetString(), a.GetProperty("threshold_mode").GetString())).Distinct()
            .Should().BeEquivalentTo([("min", "rel"), ("min", "abs"), ("max", "rel"), ("max", "abs")]);
    }

    [Fact]
    public void Constructing_a_schedule_leaves_the_learning_rate_alone()
    {
        var optimizer = Optimizer(0.1);
        _ = new CosineAnnealingLR(optimizer, 10);
        _ = new StepLR(optimizer, 1);
        optimizer.LearningRate.Should().Be(0.1);
    }

    [Fact]
    public void Step_schedule_carries_on_from_a_learning_rate_set_between_epochs()
    {
        var optimizer = Optimizer(0.1);
        var schedule = new StepLR(optimizer, stepSize: 2, gamma: 0.5);
        schedule.Step(0);
        optimizer.LearningRate = 0.04;   // like PyTorch's chainable form: the next decay starts from here
        schedule.Step(0);
        schedule.LearningRate.Should().Be(0.02);
        schedule.InitialLearningRate.Should().Be(0.1);
    }

    [Fact]
    public void Plateau_refuses_a_factor_of_one_or_more_and_unknown_modes()
    {
        var optimizer = Optimizer(0.1);
        ((Action)(() => new ReduceLROnPlateau(optimizer, factor: 1))).Should().Throw<ArgumentException>()
            .WithMessage("factor must be ≥ 0 and < 1 (the learning rate is multiplied by it), got 1");
        ((Action)(() => new ReduceLROnPlateau(optimizer, mode: "down"))).Should().Throw<ArgumentException>()
            .WithMessage("mode must be min or max, got 'down'");
        ((Action)(() => new ReduceLROnPlateau(optimizer, thresholdMode: "relative"))).Should().Throw<ArgumentException>()
            .WithMessage("threshold_mode must be rel or abs, got 'relative'");
        ((Action)(() => new ReduceLROnPlateau(optimizer, patience: -1))).Should().Throw<ArgumentException>()
            .WithMessage("patience must be a whole number ≥ 0, got -1");
        ((Action)(() => new CosineAnnealingLR(optimizer, 0))).Should().Throw<ArgumentException>()
            .WithMessage("t_max must be a whole number ≥ 1, got 0");
        ((Action)(() => new StepLR(optimizer, 0))).Should().Throw<ArgumentException>()
            .WithMessage("step_size must be a whole number ≥ 1, got 0");
    }

    // ------------------------------------------------------------------ ScheduleSpec

    [Theory]
    [InlineData("none", "none")]
    [InlineData("plateau", "plateau:mode=min,factor=0.1,patience=10,threshold=0.0001,threshold_mode=rel,cooldown=0,min_lr=0,eps=1e-8")]
    [InlineData("plateau:patience=5,factor=0.5,threshold=1e-4,cooldown=1,min_lr=1e-6,mode=min,threshold_mode=rel",
                "plateau:mode=min,factor=0.5,patience=5,threshold=0.0001,threshold_mode=rel,cooldown=1,min_lr=1e-6,eps=1e-8")]
    [InlineData(" Plateau : MODE=Max , threshold_mode=abs,threshold=0.5 ",
                "plateau:mode=max,factor=0.1,patience=10,threshold=0.5,threshold_mode=abs,cooldown=0,min_lr=0,eps=1e-8")]
    [InlineData("step:step_size=10,gamma=0.5", "step:step_size=10,gamma=0.5")]
    [InlineData("step:step_size=10", "step:step_size=10,gamma=0.1")]
    [InlineData("exponential:gamma=0.95", "exponential:gamma=0.95")]
    [InlineData("cosine:t_max=50,eta_min=0", "cosine:t_max=50,eta_min=0")]
    [InlineData("cosine:eta_min=2.5E-7", "cosine:eta_min=2.5e-7")]
    [InlineData("cosine", "cosine:eta_min=0")]
    public void Schedule_spec_reads_and_writes_its_canonical_text(string text, string canonical)
    {
        var spec = ScheduleSpec.Parse(text);
        spec.ToString().Should().Be(canonical);
        var again = ScheduleSpec.Parse(canonical);
        again.ToString().Should().Be(canonical);
        again.Should().Be(spec);
        again.GetHashCode().Should().Be(spec.GetHashCode());
    }

    [Theory]
    [InlineData("x", "unknown schedule 'x' (expected plateau, step, exponential, cosine or none)")]
    [InlineData("", "unknown schedule '' (expected plateau, step, exponential, cosine or none)")]
    [InlineData("plateau:foo=1", "plateau has no setting 'foo' (it takes mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps)")]
    [InlineData("cosine:T=5", "cosine has no setting 't' (it takes t_max, eta_min)")]
    [InlineData("plateau:patience", "plateau setting 'patience' has no value (write patience=value)")]
    [InlineData("plateau:patience=2,patience=3", "plateau setting 'patience' is given twice")]
    [InlineData("plateau:patience=2.5", "plateau patience must be a whole number, got '2.5'")]
    [InlineData("plateau:patience=-1", "plateau patience must be a whole number ≥ 0, got -1")]
    [InlineData("plateau:factor=1.5", "plateau factor must be ≥ 0 and < 1 (the learning rate is multiplied by it), got 1.5")]
    [InlineData("plateau:factor=half", "plateau factor must be a number, got 'half'")]
    [InlineData("plateau:min_lr=inf", "plateau min_lr must be a number, got 'inf'")]
    [InlineData("plateau:mode=up", "plateau mode must be min or max, got 'up'")]
    [InlineData("plateau:threshold=1", "plateau threshold must be < 1 in rel mode (it is a fraction of the best value), got 1")]
    [InlineData("step", "step needs step_size, e.g. step:step_size=10,gamma=0.5")]
    [InlineData("step:step_size=0", "step step_size must be a whole number ≥ 1, got 0")]
    [InlineData("exponential", "exponential needs gamma, e.g. exponential:gamma=0.95")]
    [InlineData("exponential:gamma=-0.5", "exponential gamma must be a finite number ≥ 0, got -0.5")]
    [InlineData("cosine:t_max=0", "cosine t_max must be a whole number ≥ 1, got 0")]
    [InlineData("none:gamma=0.5", "none takes no settings, got 'gamma=0.5'")]
    public void Bad_schedule_spec_names_the_problem_in_one_line(string text, string message)
    {
        var act = () => ScheduleSpec.Parse(text);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void Schedule_spec_creates_the_named_scheduler_with_its_settings()
    {
        ScheduleSpec.Parse("none").Create(Optimizer(0.1), 20).Should().BeNull();
        ScheduleSpec.None.Should().Be(ScheduleSpec.Parse("none"));

        var plateau = ScheduleSpec.Parse("plateau:patience=5,factor=0.5,threshold=0.01,cooldown=1,min_lr=1e-6,mode=max,threshold_mode=abs,eps=0")
            .Create(Optimizer(0.1), 20).Should().BeOfType<ReduceLROnPlateau>().Subject;
        (plateau.Mode, plateau.Factor, plateau.Patience, plateau.Threshold, plateau.ThresholdMode, plateau.Cooldown, plateau.MinLr, plateau.Eps)
            .Should().Be(("max", 0.5, 5, 0.01, "abs", 1, 1e-6, 0.0));

        var step = ScheduleSpec.Parse("step:step_size=3").Create(Optimizer(0.1), 20).Should().BeOfType<StepLR>().Subject;
        (step.StepSize, step.Gamma).Should().Be((3, 0.1));
        ScheduleSpec.Parse("exponential:gamma=0.9").Create(Optimizer(0.1), 20).Should().BeOfType<ExponentialLR>().Which.Gamma.Should().Be(0.9);

        var byEpochs = ScheduleSpec.Parse("cosine").Create(Optimizer(0.1), 20).Should().BeOfType<CosineAnnealingLR>().Subject;
        (byEpochs.TMax, byEpochs.EtaMin).Should().Be((20, 0.0));
        ScheduleSpec.Parse("cosine:t_max=7,eta_min=1e-4").Create(Optimizer(0.1), 20).Should().BeOfType<CosineAnnealingLR>()
            .Which.TMax.Should().Be(7);
    }

    // ------------------------------------------------------------------ EarlyStopping

    private static List<bool> Run(EarlyStopping stopping, params double[] losses) => [.. losses.Select(stopping.Step)];

    [Fact]
    public void Early_stopping_stops_after_exactly_patience_epochs_without_improvement()
    {
        var stopping = new EarlyStopping(patience: 3);
        Run(stopping, 1.0, 0.5, 0.5, 0.75, 0.5).Should().Equal(false, false, false, false, true);
        (stopping.Best, stopping.BestEpoch, stopping.BadEpochs, stopping.Epoch).Should().Be((0.5, 2, 3, 5));
    }

    [Fact]
    public void Early_stopping_resets_its_count_on_improvement()
    {
        var stopping = new EarlyStopping(patience: 2);
        Run(stopping, 1.0, 1.5, 0.75, 1.0, 0.5, 0.5, 0.5).Should().Equal(false, false, false, false, false, false, true);
        (stopping.Best, stopping.BestEpoch).Should().Be((0.5, 5));
    }

    [Fact]
    public void Early_stopping_counts_gains_of_at_most_min_delta_as_no_improvement()
    {
        // Binary-exact values: 1 − 0.25 = 0.75 exactly, so the boundary case is really on the boundary.
        var stopping = new EarlyStopping(patience: 3, minDelta: 0.25);
        Run(stopping, 1.0, 0.875, 0.75).Should().Equal(false, false, false);
        (stopping.Best, stopping.BadEpochs).Should().Be((1.0, 2));   // 0.875 and 0.75 did not move best
        stopping.Step(0.625).Should().BeFalse();                      // 0.375 better: counts
        (stopping.Best, stopping.BadEpochs).Should().Be((0.625, 0));
        Run(stopping, 0.5, 0.5, 0.375).Should().Equal(false, false, true);
    }

    [Fact]
    public void Early_stopping_counts_a_nan_loss_as_no_improvement()
    {
        var stopping = new EarlyStopping(patience: 2);
        Run(stopping, 1.0, double.NaN, double.NaN).Should().Equal(false, false, true);
        stopping.Best.Should().Be(1.0);
    }

    [Fact]
    public void Early_stopping_refuses_patience_below_one_and_negative_min_delta()
    {
        ((Action)(() => new EarlyStopping(0))).Should().Throw<ArgumentException>()
            .WithMessage("early-stopping patience must be at least 1 epoch, got 0");
        ((Action)(() => new EarlyStopping(3, -0.1))).Should().Throw<ArgumentException>()
            .WithMessage("early-stopping min_delta must be a finite number ≥ 0, got -0.1");
    }
}
