using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Runs;
using Bottleneck.Training;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// <c>train --resume DIR</c> and <c>optimizers --resume DIR</c> as a user meets them: after Ctrl-C (the program prints the
/// command), after SIGKILL, and to train a finished run longer, always landing on the numbers one uninterrupted run gives;
/// and refusing what would change the run.
/// </summary>
public sealed class ResumeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-resume-command-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private static readonly string[] Digits =
        ["train", "--dataset", "digits", "--model", "dense", "--code-size", "8", "--optimizer", "nadam", "--scheduler", "plateau:patience=1", "--threads", "1"];

    private static IReadOnlyDictionary<string, float[]> Weights(string run) =>
        Safetensors.Read(Path.Combine(run, "model.safetensors")).Tensors.ToDictionary(t => t.Key, t => t.Value.Data);

    private static JsonObject Results(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!.AsObject();

    // A fresh run of the same settings for `epochs` epochs, to compare a resumed one with.
    private string Fresh(int epochs)
    {
        string run = Path.Combine(_dir, $"fresh-{epochs}");
        var result = Run([.. Digits, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", run]);
        result.ExitCode.Should().Be(0, result.ToString());
        return run;
    }

    [Fact]
    public void An_interrupted_run_prints_the_command_that_resumes_it_and_lands_on_the_uninterrupted_weights()
    {
        string run = Path.Combine(_dir, "a run");
        using (var process = BottleneckProcess.Start(_dir, [.. Digits, "--epochs", "1000000", "--out", run]))
        {
            process.WaitUntil(p => File.Exists(Path.Combine(run, TrainRun.StateFile)), TimeSpan.FromSeconds(60)).Should().BeTrue(process.StandardErrorSoFar);
            process.Signal("TERM");
            var interrupted = process.WaitForExit(TimeSpan.FromSeconds(30));
            interrupted.ExitCode.Should().Be(1, interrupted.ToString());
            AssertNoStackTrace(interrupted);
            string last = interrupted.StandardErrorLines[^1];
            last.Should().MatchRegex(@"^error: interrupted after [\d,]+ finished epochs?; the model as it stood is saved, and bottleneck train --resume .+ goes on from the last finished epoch$");
            int done = Results(run)["epochs"]!.AsArray().Count;
            string command = last[last.IndexOf("bottleneck train", StringComparison.Ordinal)..last.IndexOf(" goes on", StringComparison.Ordinal)];

            var resumed = BottleneckProcess.RunInShell(_dir, $"{command} --epochs {done + 3}", TimeSpan.FromSeconds(120));
            resumed.ExitCode.Should().Be(0, resumed.ToString());
            resumed.StandardOutput.Should().Contain($"epoch {done + 3}/{done + 3}").And.NotContain($"epoch 1/{done + 3}", "finished epochs are not trained again");
            Weights(run).Should().BeEquivalentTo(Weights(Fresh(done + 3)), o => o.WithStrictOrdering());
        }
        var results = Results(run);
        results["status"]!.GetValue<string>().Should().Be("completed");
        results["provenance"]!["command"]!.GetValue<string>().Should().Contain("--epochs 1000000");
        results["provenance"]!["continued"]!.AsArray().Should().ContainSingle().Which!["command"]!.GetValue<string>().Should().StartWith("bottleneck train --resume");
    }

    [Fact]
    public void A_killed_run_resumes_from_its_saved_state()
    {
        string run = Path.Combine(_dir, "killed");
        using (var process = BottleneckProcess.Start(_dir, [.. Digits, "--epochs", "1000000", "--out", run]))
        {
            process.WaitUntil(p => File.Exists(Path.Combine(run, TrainRun.StateFile)), TimeSpan.FromSeconds(60)).Should().BeTrue(process.StandardErrorSoFar);
            process.Signal("KILL");
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        File.Exists(Path.Combine(run, "results.json")).Should().BeFalse("a killed run wrote no results");
        Directory.GetFiles(run, "*.partial*").Should().BeEmpty();
        int saved = TrainingStateFile.Load(Path.Combine(run, TrainRun.StateFile)).State.Epoch;

        var resumed = Run("train", "--resume", run, "--epochs", (saved + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        Weights(run).Should().BeEquivalentTo(Weights(Fresh(saved + 2)), o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_finished_run_is_trained_longer_only_when_asked_and_never_with_other_settings()
    {
        string run = Path.Combine(_dir, "finished");
        Run([.. Digits, "--epochs", "3", "--out", run]).ExitCode.Should().Be(0);
        string before = File.ReadAllText(Path.Combine(run, "results.json"));

        Refused(Run("train", "--resume", run), [2]).Should().Contain("--epochs must be more than 3").And.Contain("give more to train it longer");
        Refused(Run("train", "--resume", run, "--epochs", "6", "--lr", "0.1", "--seed", "3"), [2])
            .Should().Contain("so --lr, --seed cannot change it").And.Contain("only --epochs, --threads and --data-dir go with --resume");
        Refused(Run("train", "--resume", Path.Combine(_dir, "nothing-here")), [2]).Should().Contain("does not exist");
        File.ReadAllText(Path.Combine(run, "results.json")).Should().Be(before, "a refused resume changes nothing");

        var longer = Run("train", "--resume", run, "--epochs", "5");
        longer.ExitCode.Should().Be(0, longer.ToString());
        Weights(run).Should().BeEquivalentTo(Weights(Fresh(5)), o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_run_whose_data_changed_or_that_stopped_early_is_not_resumed()
    {
        string csv = Path.Combine(_dir, "points.csv");
        var random = new Random(3);
        string Rows() => "a,b,c,d\n" + string.Concat(Enumerable.Range(0, 120).Select(_ =>
            string.Join(',', Enumerable.Range(0, 4).Select(_ => random.NextDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))) + "\n"));
        File.WriteAllText(csv, Rows());
        string run = Path.Combine(_dir, "csv");
        Run("train", "--dataset", "csv:" + csv, "--model", "dense", "--code-size", "2", "--epochs", "2", "--out", run).ExitCode.Should().Be(0);
        File.WriteAllText(csv, Rows());
        Refused(Run("train", "--resume", run, "--epochs", "4"), [2]).Should().Contain("is not what").And.Contain("changed since");

        string stopped = Path.Combine(_dir, "stopped");
        var early = Run("train", "--dataset", "digits", "--model", "dense", "--lr", "1e-30", "--optimizer", "sgd", "--early-stopping", "2", "--epochs", "50", "--out", stopped);
        early.ExitCode.Should().Be(0, early.ToString());
        Refused(Run("train", "--resume", stopped, "--epochs", "60"), [2]).Should().Contain("stopped early after epoch 3").And.Contain("would stop again");
    }

    [Fact]
    public void A_damaged_state_file_is_one_line_naming_it()
    {
        string run = Path.Combine(_dir, "damaged");
        Run([.. Digits, "--epochs", "2", "--out", run]).ExitCode.Should().Be(0);
        string state = Path.Combine(run, TrainRun.StateFile);
        File.WriteAllBytes(state, File.ReadAllBytes(state)[..200]);
        Refused(Run("train", "--resume", run, "--epochs", "4"), [1, 2]).Should().Contain(state);
    }

    [Fact]
    public void An_interrupted_optimizer_study_resumes_to_the_numbers_of_an_uninterrupted_one()
    {
        string study = Path.Combine(_dir, "study");
        string[] args = ["optimizers", "--optimizers", "adam,sgd", "--threads", "2"];
        string[] states = [Path.Combine(study, "states", "adam-1.safetensors"), Path.Combine(study, "states", "sgd-1.safetensors")];
        using (var process = BottleneckProcess.Start(_dir, [.. args, "--epochs", "1000000", "--out", study]))
        {
            process.WaitUntil(p => states.All(File.Exists), TimeSpan.FromSeconds(60)).Should().BeTrue(process.StandardErrorSoFar);
            process.Signal("TERM");
            var interrupted = process.WaitForExit(TimeSpan.FromSeconds(30));
            interrupted.ExitCode.Should().Be(1, interrupted.ToString());
            interrupted.StandardErrorLines[^1].Should().Contain($"bottleneck optimizers --resume {study} goes on from them");
        }
        int epochs = states.Max(s => TrainingStateFile.Load(s).State.Epoch) + 4;
        string text = epochs.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var resumed = Run("optimizers", "--resume", study, "--epochs", text);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        var fresh = Run([.. args, "--epochs", text, "--out", Path.Combine(_dir, "fresh")]);
        fresh.ExitCode.Should().Be(0, fresh.ToString());

        var (a, b) = (Results(study)["runs"]!.AsArray(), Results(Path.Combine(_dir, "fresh"))["runs"]!.AsArray());
        a.Select(r => r!["test_mse"]!.GetValue<double>()).Should().Equal(b.Select(r => r!["test_mse"]!.GetValue<double>()));
        a.Select(r => r!["epochs"]!.AsArray().Select(e => e!["val_loss"]!.GetValue<double>()).ToList()).Should()
            .BeEquivalentTo(b.Select(r => r!["epochs"]!.AsArray().Select(e => e!["val_loss"]!.GetValue<double>()).ToList()), o => o.WithStrictOrdering());
        Refused(Run("optimizers", "--resume", study, "--lr", "0.1"), [2]).Should().Contain("so --lr cannot change it");
    }

    [Fact]
    public void A_resumed_study_counts_the_trials_it_had_finished()
    {
        string study = Path.Combine(_dir, "tune");
        string[] args = ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2,3e-3,1e-3,3e-4", "--folds", "2",
                         "--epochs", "400", "--threads", "1", "--out", study];
        using (var process = BottleneckProcess.Start(_dir, args))
        {
            // Its stderr too: once on CI the process ended within a second of printing its header, and stdout alone did not say why.
            process.WaitUntil(p => p.StandardOutputSoFar.Contains("[1/4]"), TimeSpan.FromSeconds(60)).Should()
                .BeTrue($"{process.StandardOutputSoFar}\n--- stderr ---\n{process.StandardErrorSoFar}");
            process.Signal("TERM");
            process.WaitForExit(TimeSpan.FromSeconds(30)).ExitCode.Should().Be(1);
        }
        var resumed = Run("tune", "--resume", study);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        var match = System.Text.RegularExpressions.Regex.Match(resumed.StandardOutput, @"resuming: (\d) trials? of 4 already finished");
        match.Success.Should().BeTrue(resumed.StandardOutput);
        int finished = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        resumed.StandardOutput.Should().Contain($"[{finished + 1}/4]").And.Contain("[4/4]").And.NotContain("[5/4]").And.NotContain($"[{finished}/4]");
    }
}
