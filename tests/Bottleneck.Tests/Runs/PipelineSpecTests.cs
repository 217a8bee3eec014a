using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Runs;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Runs;

public sealed class PipelineSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-pipeline-").FullName;

    private static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "examples", name))) return Path.Combine(dir.FullName, "examples", name);
        throw new FileNotFoundException(name);
    }

    [Theory]
    [InlineData("study-b.yaml")]
    [InlineData("study-b-quick.yaml")]
    public void The_shipped_examples_describe_study_B_phase_by_phase(string file)
    {
        var spec = PipelineSpec.Load(Example(file));
        spec.Phases.Select(p => p.Kind).Should().Equal(PhaseKind.Tune, PhaseKind.Sweep, PhaseKind.Train, PhaseKind.Robustness, PhaseKind.Embed);
        spec.Phases[3].UseModelOf.Should().Be("final");
        spec.Phases[4].UseModelOf.Should().Be("final");
        spec.Phases[1].UseBestOf.Should().Equal("phase1");
        spec.Phases[2].UseBestOf.Should().Equal("phase1", "phase2");
        var phase1 = PipelineSpec.ToStudySettings(StudyKind.Tune, spec.SettingsFor(spec.Phases[0], new Dictionary<string, TrialParams>()));
        phase1.Dataset.Should().Be("fashion-mnist");
        phase1.Folds.Should().Be(3);
        SearchSpace.Grid(spec.SettingsFor(spec.Phases[0], new Dictionary<string, TrialParams>())["grid"]).Should().NotBeEmpty();
    }

    [Fact]
    public void The_denoising_example_trains_plain_and_denoising_models_and_compares_them()
    {
        var spec = PipelineSpec.Load(Example("denoising.yaml"));
        spec.Phases.Select(p => p.Kind).Should().Equal(PhaseKind.Train, PhaseKind.Train, PhaseKind.Robustness);
        var none = new Dictionary<string, TrialParams>();
        PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[0], none)).Denoise.Should().BeNull();
        var denoising = PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[1], none));
        denoising.Denoise!.ToString().Should().Be("noise:0.3");
        denoising.Epochs.Should().Be(PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[0], none)).Epochs, "same epochs for both");
        spec.Phases[2].UseModelOf.Should().Be("plain");
        spec.Phases[2].AlsoModelsOf.Should().Equal("denoising");
    }

    [Fact]
    public void The_anomaly_example_runs_the_one_class_protocol_for_a_plain_and_a_variational_model()
    {
        var spec = PipelineSpec.Load(Example("anomaly.yaml"));
        spec.Phases.Select(p => p.Kind).Should().Equal(PhaseKind.Anomaly, PhaseKind.Anomaly);
        var none = new Dictionary<string, TrialParams>();
        var plain = PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[0], none));
        var variational = PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[1], none));
        (plain.Model, variational.Model, variational.Loss).Should().Be(("lab", "vae-lab", LossFunction.Bce));
        (plain.Epochs, plain.WeightDecay).Should().Be((variational.Epochs, variational.WeightDecay));
    }

    [Fact]
    public void The_full_example_has_the_published_protocol()
    {
        var spec = PipelineSpec.Load(Example("study-b.yaml"));
        var phase1 = spec.SettingsFor(spec.Phases[0], new Dictionary<string, TrialParams>());
        SearchSpace.Grid(phase1["grid"]).Should().HaveCount(36);
        PipelineSpec.ToStudySettings(StudyKind.Tune, phase1).Epochs.Should().Be(20);
        var best = new Dictionary<string, TrialParams> { ["phase1"] = SearchSpace.Grid("lr=0.01;weight-decay=5e-6")[0] };
        var phase2 = PipelineSpec.ToStudySettings(StudyKind.Sweep, spec.SettingsFor(spec.Phases[1], best));
        (phase2.LearningRate, phase2.WeightDecay, phase2.Epochs, phase2.Schedule?.Source, phase2.LastEpochs).Should().Be((0.01, 5e-6, 50, "plateau:patience=5", 5));
        SearchSpace.Grid(spec.SettingsFor(spec.Phases[1], best)["param"]).Should().HaveCount(10);
    }

    [Fact]
    public void The_full_example_studies_the_final_model_as_published()
    {
        var spec = PipelineSpec.Load(Example("study-b.yaml"));
        var robustness = spec.SettingsFor(spec.Phases[3], new Dictionary<string, TrialParams>());
        (robustness["noise"], robustness["occlusion"]).Should().Be(("0:1:0.1", "0:1:0.1"));
        var embed = spec.SettingsFor(spec.Phases[4], new Dictionary<string, TrialParams>());
        (embed["method"], embed["samples"]).Should().Be(("tsne", "2000"));
    }

    [Fact]
    public void Robustness_and_embed_phases_study_the_named_or_the_last_earlier_train_phase()
    {
        string path = Path.Combine(_dir, "pipe.yaml");
        File.WriteAllText(path, """
            dataset: digits
            phases:
              - name: first
                train: {epochs: 2}
              - name: second
                train: {epochs: 3}
              - name: noise
                robustness: {noise: "0,0.5", occlusion: "", samples: 100, block: true, clip: true, use_model_of: first}
              - name: map
                embed: {method: pca, perplexity: 10, samples: 200}
              - name: unnamed
                robustness: {}
            """);
        var spec = PipelineSpec.Load(path);
        spec.Phases.Select(p => p.Kind).Should().Equal(PhaseKind.Train, PhaseKind.Train, PhaseKind.Robustness, PhaseKind.Embed, PhaseKind.Robustness);
        spec.Phases.Select(p => p.UseModelOf).Should().Equal(null, null, "first", "second", "second");
        spec.Phases[2].Settings.Should().Contain(new Dictionary<string, string>
        {
            ["noise"] = "0,0.5", ["occlusion"] = "", ["samples"] = "100", ["block"] = "true", ["clip"] = "true",
        });
        spec.Phases[3].Settings.Should().Contain(new Dictionary<string, string> { ["method"] = "pca", ["perplexity"] = "10", ["samples"] = "200" });
    }

    [Theory]
    [InlineData("dataset: digits\nphases:\n  - name: r\n    robustness: {noise: \"0,1\"}\n", "pipe.yaml line 3: phase r (robustness) needs an earlier train phase whose model it studies")]
    [InlineData("dataset: digits\nphases:\n  - name: t\n    tune: {grid: \"lr=1e-2\"}\n  - name: e\n    embed: {method: pca}\n", "pipe.yaml line 5: phase e (embed) needs an earlier train phase whose model it studies")]
    [InlineData("dataset: digits\nphases:\n  - name: t\n    tune: {grid: \"lr=1e-2\"}\n  - name: e\n    embed: {use_model_of: t}\n", "pipe.yaml line 6: use_model_of names 't', which is not an earlier train phase")]
    [InlineData("dataset: digits\nphases:\n  - name: f\n    train: {epochs: 2, use_model_of: f}\n", "pipe.yaml line 4: use_model_of goes with a robustness, embed, encode or generate phase, not a train")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    train: {}\n  - name: b\n    train: {}\n  - name: e\n    embed: {use_model_of: [a, b]}\n", "pipe.yaml line 8: only a robustness phase compares several models; a embed phase studies one")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    train: {}\n  - name: r\n    robustness: {use_model_of: [a, a]}\n", "pipe.yaml line 6: use_model_of names a train phase twice")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    train: {}\n  - name: r\n    robustness: {use_model_of: [a, z]}\n", "pipe.yaml line 6: use_model_of names 'z', which is not an earlier train phase")]
    public void A_robustness_or_embed_phase_needs_an_earlier_train_phase(string text, string message)
    {
        string path = Path.Combine(_dir, "pipe.yaml");
        File.WriteAllText(path, text);
        var error = FluentActions.Invoking(() => PipelineSpec.Load(path)).Should().Throw<DataFormatException>().Which;
        error.Message.Should().Be(message);
        error.Message.Should().NotContain("\n", "one line");
    }

    [Theory]
    [InlineData("dataset: digits\n", "*'phases' is missing*")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    tune: {grid: \"lr=1e-2\", colour: red}\n", "pipe.yaml line 4: unknown setting 'colour'*")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    sweep: {param: \"code-size=2\", use_best_of: [b]}\n", "pipe.yaml line 4: use_best_of names 'b', which is not an earlier phase")]
    [InlineData("dataset: digits\nphases:\n  - name: a\n    fit: {epochs: 2}\n", "pipe.yaml line 4: unknown phase key 'fit'*")]
    public void A_bad_pipeline_is_one_clear_error(string text, string message)
    {
        string path = Path.Combine(_dir, "pipe.yaml");
        File.WriteAllText(path, text);
        FluentActions.Invoking(() => PipelineSpec.Load(path)).Should().Throw<DataFormatException>().WithMessage(message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
