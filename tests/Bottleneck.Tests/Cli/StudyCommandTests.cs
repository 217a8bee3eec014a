using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>tune, sweep and run as a user runs them: real processes, killed and resumed, side by side.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-study-cli-").FullName;

    // Digits and the dense preset train a fold in well under a second: hundreds of epochs leave time to interrupt.
    private static string[] Tune(string outDir, params string[] extra) =>
        ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "8", "--batch-size", "128", "--folds", "3",
         "--grid", "lr=1e-2,5e-3,2e-3,1e-3,5e-4,2e-4", "--seed", "3", "--out", outDir, .. extra];

    private static JsonArray Trials(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!["trials"]!.AsArray();

    // The ranked table without timings: parameters, status, score and every fold's losses.
    private static List<string> Table(string dir) =>
        [.. Trials(dir).Select(t => $"{t!["rank"]} {t["params"]!.ToJsonString()} {t["status"]} {t["score"]} {t["fold_val_losses"]!.ToJsonString()} {t["fold_train_losses"]!.ToJsonString()}")];

    private static List<string> FinishedTrials(string stdout) =>
        [.. Regex.Matches(stdout, @"^\[\d+/\d+\] (.+?) at \d+ epochs", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];

    [Fact]
    public void A_study_killed_with_sigkill_and_resumed_ends_with_the_same_table()
    {
        string whole = Path.Combine(_dir, "whole"), killed = Path.Combine(_dir, "killed");
        BottleneckProcess.Run(_dir, TimeSpan.FromMinutes(3), Tune(whole, "--epochs", "500")).ExitCode.Should().Be(0);

        using (var victim = BottleneckProcess.Start(_dir, Tune(killed, "--epochs", "500")))
        {
            victim.WaitUntil(p => FinishedTrials(p.StandardOutputSoFar).Count >= 2, TimeSpan.FromMinutes(2))
                .Should().BeTrue("the study should finish two trials before it is killed");
            victim.Signal("KILL");
            victim.WaitForExit(TimeSpan.FromSeconds(30)).ExitCode.Should().NotBe(0);
        }
        File.Exists(Path.Combine(killed, "results.json")).Should().BeFalse("a killed study never got to write its results");

        var resumed = BottleneckProcess.Run(_dir, TimeSpan.FromMinutes(3), "tune", "--resume", killed);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        AssertNoStackTrace(resumed);
        FinishedTrials(resumed.StandardOutput).Count.Should().BeLessThan(6, "trials finished before the kill are not run again");
        Table(killed).Should().Equal(Table(whole));
    }

    [Fact]
    public void Two_processes_on_one_store_do_every_trial_exactly_once()
    {
        string shared = Path.Combine(_dir, "shared");
        using var first = BottleneckProcess.Start(_dir, Tune(shared, "--epochs", "600"));
        first.WaitUntil(p => p.StandardOutputSoFar.Contains("study in"), TimeSpan.FromMinutes(1)).Should().BeTrue();
        using var second = BottleneckProcess.Start(_dir, "tune", "--resume", shared);
        var a = first.WaitForExit(TimeSpan.FromMinutes(3));
        var b = second.WaitForExit(TimeSpan.FromMinutes(3));
        a.ExitCode.Should().Be(0, a.ToString());
        b.ExitCode.Should().Be(0, b.ToString());

        var byFirst = FinishedTrials(a.StandardOutput);
        var bySecond = FinishedTrials(b.StandardOutput);
        byFirst.Should().NotBeEmpty();
        bySecond.Should().NotBeEmpty("the second worker should take some of the trials");
        byFirst.Intersect(bySecond).Should().BeEmpty("no trial is done twice");
        byFirst.Concat(bySecond).Should().HaveCount(6).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_sweep_writes_its_score_chart_and_a_tune_grid_its_heatmap()
    {
        string sweep = Path.Combine(_dir, "sweep"), tune = Path.Combine(_dir, "tune");
        var s = BottleneckProcess.Run(_dir, "sweep", "--dataset", "digits", "--model", "dense", "--param", "code-size=2,8", "--epochs", "4", "--score", "last:2", "--out", sweep);
        s.ExitCode.Should().Be(0, s.ToString());
        foreach (var file in new[] { "results.json", "trials.csv", "score.svg", "curves.svg", "best-curves.svg", "study.db" })
            File.Exists(Path.Combine(sweep, file)).Should().BeTrue(file);
        var trial = Trials(sweep)[0]!;
        foreach (var key in new[] { "params", "fold_val_losses", "mean_val_loss", "std_val_loss", "score", "status" })
            trial[key].Should().NotBeNull(key);

        var t = BottleneckProcess.Run(_dir, Tune(tune, "--epochs", "2"));
        t.ExitCode.Should().Be(0, t.ToString());
        File.Exists(Path.Combine(tune, "heatmap.svg")).Should().BeFalse("one searched setting has no heatmap");
        var grid = BottleneckProcess.Run(_dir, "tune", "--dataset", "digits", "--model", "dense", "--grid", "lr=1e-2,1e-3;weight-decay=1e-4,0",
                                         "--epochs", "2", "--out", Path.Combine(_dir, "grid"));
        grid.ExitCode.Should().Be(0, grid.ToString());
        File.Exists(Path.Combine(_dir, "grid", "heatmap.svg")).Should().BeTrue();
        grid.StandardOutput.Should().Contain("validation loss").And.Contain("±");
    }

    [Theory]
    [InlineData("tune --dataset digits --model dense --epochs 2", "*--grid or --random*")]
    [InlineData("tune --dataset digits --model dense --grid lr=abc", "*lr: 'abc' is not a number*")]
    [InlineData("tune --dataset digits --model dense --grid lr=1e-2 --folds 1", "*--folds must be at least 2*")]
    [InlineData("tune --dataset digits --model dense --grid lr=1e-2 --scheduler sometimes", "*unknown schedule 'sometimes'*")]
    [InlineData("sweep --dataset digits --model dense --param code-size=2;lr=1e-2", "*sweeps one setting*")]
    [InlineData("tune --resume /nonexistent/study", "*no study.db there*")]
    [InlineData("tune --resume /nonexistent/study --lr 0.1 --epochs 3", "*--resume continues the study as it was started, so --lr, --epochs cannot change it; leave them out*")]
    [InlineData("sweep --resume /nonexistent/study --out elsewhere", "*so --out cannot change it; leave it out*")]
    public void Bad_study_input_is_one_line_and_writes_nothing(string args, string message)
    {
        // A resumed study writes into its own folder, so --out does not go with --resume (a refusal of its own).
        string[] output = args.Contains("--resume") ? [] : ["--out", Path.Combine(_dir, "bad")];
        var result = BottleneckProcess.Run(_dir, [.. args.Split(' '), .. output]);
        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardErrorLines.Should().ContainSingle().Which.Should().Match("error: " + message);
        AssertNoStackTrace(result);
        Directory.Exists(Path.Combine(_dir, "bad")).Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Fixtures/study-v1 and study-v2 are the same finished tune written by earlier releases (schema versions 1 and 2).
    // Resuming one migrates the store and trains nothing; the table is the one that release wrote, and the same study run
    // afresh gives it too.
    [Theory]
    [InlineData("study-v1")]
    [InlineData("study-v2")]
    public void A_study_store_of_an_earlier_release_resumes_with_its_table(string fixture)
    {
        string old = Path.Combine(_dir, fixture);
        Directory.CreateDirectory(old);
        File.Copy(Fixture.Path($"{fixture}/study.db"), Path.Combine(old, "study.db"));
        var resumed = BottleneckProcess.Run(_dir, TimeSpan.FromMinutes(2), "tune", "--resume", old);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        resumed.StandardOutput.Should().Contain("2 trials of 2 already finished");
        string table = File.ReadAllText(Fixture.Path($"{fixture}/trials.csv"));
        File.ReadAllText(Path.Combine(old, "trials.csv")).Should().Be(table);

        string fresh = Path.Combine(_dir, fixture + "-fresh");
        var again = BottleneckProcess.Run(_dir, TimeSpan.FromMinutes(2), "tune", "--dataset", "digits", "--model", "dense", "--code-size", "8",
                                          "--grid", "lr=1e-3,3e-3", "--epochs", "2", "--folds", "2", "--out", fresh);
        again.ExitCode.Should().Be(0, again.ToString());
        File.ReadAllText(Path.Combine(fresh, "trials.csv")).Should().Be(table, "this release's numbers are the previous one's");
    }
}
