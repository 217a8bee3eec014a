using System.Text.Json.Nodes;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// A run directory says truthfully how it was made: the command that started it, every invocation that continued
/// it, a reproduce line that pastes into a shell, and a data source other commands can find again from anywhere.
/// The commands the program prints for the user to run are checked by running them in bash.
/// </summary>
public sealed class ProvenanceTests : IDisposable
{
    private static readonly TimeSpan ShellTimeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-provenance-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private static JsonObject Results(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!.AsObject();

    private static string[] TuneArgs(string outDir) =>
        ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2,1e-3;weight-decay=1e-4,0",
         "--folds", "2", "--epochs", "1", "--threads", "1", "--out", outDir];

    [Fact]
    public void A_resumed_study_keeps_the_command_that_started_it_and_lists_every_resume()
    {
        string study = Path.Combine(_dir, "a study");
        var first = Run(TuneArgs(study));
        first.ExitCode.Should().Be(0, first.ToString());
        string original = Results(study)["provenance"]!["command"]!.GetValue<string>();

        var resumed = Run("tune", "--resume", study, "--jobs", "1");
        resumed.ExitCode.Should().Be(0, resumed.ToString());

        var provenance = Results(study)["provenance"]!.AsObject();
        provenance["command"]!.GetValue<string>().Should().Be(original, "the command that made the run stays its command");
        var continued = provenance["continued"]!.AsArray().Should().ContainSingle().Which!;
        continued["command"]!.GetValue<string>().Should().StartWith("bottleneck tune --resume").And.Contain("--jobs 1");
        string html = File.ReadAllText(Path.Combine(study, "report.html"));
        html.Should().Contain("Continued by:").And.Contain("bottleneck tune --resume");
    }

    [Fact]
    public void A_tune_study_is_not_resumed_as_a_sweep()
    {
        string study = Path.Combine(_dir, "tune");
        Run(TuneArgs(study)).ExitCode.Should().Be(0);
        var before = File.ReadAllText(Path.Combine(study, "results.json"));

        Refused(Run("sweep", "--resume", study), [2]).Should().Contain("holds a tune study, not a sweep");

        File.ReadAllText(Path.Combine(study, "results.json")).Should().Be(before);
    }

    [Fact]
    public void The_reproduce_command_pastes_into_a_shell_word_for_word()
    {
        string study = Path.Combine(_dir, "it's a study; with $pace");
        string[] args = TuneArgs(study);
        Run(args).ExitCode.Should().Be(0);
        string command = Results(study)["provenance"]!["command"]!.GetValue<string>();

        // bash splits the recorded line back into exactly the words the program was given.
        var words = BottleneckProcess.RunInShell(_dir, "bottleneck() { printf '%s\\n' \"$@\"; }; " + command, ShellTimeout);
        words.ExitCode.Should().Be(0, words.ToString());
        words.StandardOutputLines.Should().Equal(args);
        File.ReadAllText(Path.Combine(study, "report.html")).Should().Contain("&#39;lr=1e-2,1e-3;weight-decay=1e-4,0&#39;");
    }

    [Fact]
    public void An_interrupted_pipeline_prints_a_command_that_resumes_it()
    {
        string pipeline = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(pipeline, """
            dataset: digits
            model: dense
            code-size: 4
            threads: 1
            phases:
              - name: phase1
                tune:
                  grid: "lr=1e-2,1e-3"
                  folds: 2
                  epochs: 1500
                  jobs: 1
              - name: final
                train:
                  epochs: 2
                  use_best_of: [phase1]
            """);
        string run = Path.Combine(_dir, "a run");
        using (var process = BottleneckProcess.Start(_dir, "run", pipeline, "--out", run))
        {
            process.WaitUntil(p => p.StandardOutputSoFar.Contains("[1/2]"), TimeSpan.FromSeconds(60))
                .Should().BeTrue($"the first trial should finish\n{process.StandardOutputSoFar}\n{process.StandardErrorSoFar}");
            process.Signal("TERM");
            var interrupted = process.WaitForExit(TimeSpan.FromSeconds(30));
            interrupted.ExitCode.Should().Be(1, interrupted.ToString());
            AssertNoStackTrace(interrupted);
            string last = interrupted.StandardErrorLines[^1];
            last.Should().MatchRegex(@"^error: interrupted in phase \w+; finished phases, folds and trials are saved: bottleneck run --resume .+ continues$");
            string command = last[(last.IndexOf("bottleneck run", StringComparison.Ordinal))..^" continues".Length];

            var resumed = BottleneckProcess.RunInShell(_dir, command, ShellTimeout);
            resumed.ExitCode.Should().Be(0, resumed.ToString());
        }
        var results = Results(run);
        results["status"]!.GetValue<string>().Should().Be("completed");
        results["provenance"]!["command"]!.GetValue<string>().Should().StartWith("bottleneck run ").And.Contain("--out");
        results["provenance"]!["continued"]!.AsArray().Should().ContainSingle()
            .Which!["command"]!.GetValue<string>().Should().StartWith("bottleneck run --resume");
    }

    [Fact]
    public void A_model_trained_on_a_csv_file_is_studied_from_another_folder_without_naming_the_data()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        var random = new Random(1);
        var lines = new List<string> { string.Join(',', Enumerable.Range(0, 16).Select(i => $"f{i}")) };
        for (int r = 0; r < 300; r++) lines.Add(string.Join(',', Enumerable.Range(0, 16).Select(_ => random.NextDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))));
        File.WriteAllLines(Path.Combine(_dir, "data", "points.csv"), lines);
        var train = Run("train", "--dataset", "csv:data/points.csv", "--model", "dense", "--code-size", "4", "--epochs", "2", "--out", "trained");
        train.ExitCode.Should().Be(0, train.ToString());

        string elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        string model = Path.Combine(_dir, "trained", "model.safetensors");
        var robustness = BottleneckProcess.Run(elsewhere, "robustness", "--checkpoint", model, "--noise", "0,0.5", "--occlusion", "0", "--out", "rb");
        robustness.ExitCode.Should().Be(0, robustness.ToString());
        Results(Path.Combine(elsewhere, "rb"))["settings"]!.ToJsonString().Should().Contain(Path.Combine(_dir, "data", "points.csv"));

        Refused(BottleneckProcess.Run(elsewhere, "robustness", "--checkpoint", model, "--dataset", "nonsense"), [2])
            .Should().Contain("csv:PATH").And.Contain("digits").And.Contain("fashion-mnist");
    }
}
