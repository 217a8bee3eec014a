using Bottleneck.Data;
using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

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
        spec.Phases.Select(p => p.Kind).Should().Equal("tune", "sweep", "train");
        spec.Phases[1].UseBestOf.Should().Equal("phase1");
        spec.Phases[2].UseBestOf.Should().Equal("phase1", "phase2");
        var phase1 = PipelineSpec.ToStudySettings(StudyKind.Tune, spec.SettingsFor(spec.Phases[0], new Dictionary<string, TrialParams>()));
        phase1.Dataset.Should().Be("fashion-mnist");
        phase1.Folds.Should().Be(3);
        SearchSpace.Grid(spec.SettingsFor(spec.Phases[0], new Dictionary<string, TrialParams>())["grid"]).Should().NotBeEmpty();
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
        (phase2.LearningRate, phase2.WeightDecay, phase2.Epochs, phase2.Schedule, phase2.LastEpochs).Should().Be((0.01, 5e-6, 50, "plateau:patience=5", 5));
        SearchSpace.Grid(spec.SettingsFor(spec.Phases[1], best)["param"]).Should().HaveCount(10);
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
