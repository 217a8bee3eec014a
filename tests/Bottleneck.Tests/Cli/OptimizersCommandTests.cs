using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bottleneck.Optimizers;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// End-to-end tests of <c>bottleneck optimizers</c>: the real program in a child process, so the
/// exit code is what a shell sees and any stack trace would show up on stderr.
/// </summary>
public sealed class OptimizersCommandTests : IDisposable
{
    private static readonly string[] StudyOptimizers = ["sgd", "adam", "rmsprop", "adagrad"];
    private static readonly string[] DisplayNames = ["SGD", "Adam", "RMSprop", "Adagrad"];

    private readonly string _dir;

    public OptimizersCommandTests()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bottleneck-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => TempFolder.Delete(_dir);

    // ---- successful runs ----------------------------------------------------------------------

    [Fact]
    public void Default_run_writes_every_result_file()
    {
        string outDir = OutDir();

        var result = Run("optimizers", "--out", outDir, "--epochs", "3");

        result.ExitCode.Should().Be(0, result.ToString());
        foreach (var file in new[] { "results.json", "results.csv", "epochs.csv", "optimizers.svg", "curves.svg" })
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written\n{result}");
        Directory.GetFiles(outDir, "*.partial*").Should().BeEmpty("no half-written file should be left behind");

        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("completed");
        var runs = json["runs"]!.AsArray();
        runs.Should().HaveCount(4);
        runs.Select(r => r!["optimizer"]!.GetValue<string>()).Should().BeEquivalentTo(StudyOptimizers);
        foreach (var run in runs.Select(r => r!))
        {
            string name = run["optimizer"]!.GetValue<string>();
            run["seed"]!.GetValue<uint>().Should().Be(42, $"{name} uses the default seed");
            run["status"]!.GetValue<string>().Should().Be("completed", name);
            double mse = run["test_mse"]!.GetValue<double>();
            double.IsFinite(mse).Should().BeTrue();
            mse.Should().BePositive();
            var epochs = run["epochs"]!.AsArray();
            epochs.Select(e => e!["epoch"]!.GetValue<int>()).Should().Equal([1, 2, 3], $"{name} trained 3 epochs");
            foreach (var epoch in epochs.Select(e => e!))
            {
                epoch["train_loss"]!.GetValue<double>().Should().BePositive();
                epoch["val_loss"]!.GetValue<double>().Should().BePositive();
                epoch["seconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);
            }
        }

        // The CSV tables hold one row per run and one per run and epoch; the charts are SVG documents.
        File.ReadAllLines(Path.Combine(outDir, "results.csv")).Where(l => l.Length > 0).Should().HaveCount(1 + 4);
        File.ReadAllLines(Path.Combine(outDir, "epochs.csv")).Where(l => l.Length > 0).Should().HaveCount(1 + 4 * 3);
        foreach (var svg in new[] { "optimizers.svg", "curves.svg" })
            XDocument.Load(Path.Combine(outDir, svg)).Root!.Name.LocalName.Should().Be("svg");

        // stdout: a ranked table naming the four optimizers, best first, with the numbers of results.json.
        var rows = result.StandardOutputLines
            .Select(l => Regex.Match(l, @"^\s*(\d+)\s+(SGD|Adam|RMSprop|Adagrad)\s+(\d+\.\d+)\s"))
            .Where(m => m.Success)
            .Select(m => (Rank: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Name: m.Groups[2].Value, Mse: m.Groups[3].Value))
            .ToList();
        rows.Select(r => r.Rank).Should().Equal([1, 2, 3, 4], result.ToString());
        rows.Select(r => r.Name).Should().BeEquivalentTo(DisplayNames);
        rows.Select(r => double.Parse(r.Mse, CultureInfo.InvariantCulture)).Should().BeInAscendingOrder();
        foreach (var row in rows)
        {
            var run = runs.Single(r => OptimizerSettings.DisplayName(r!["optimizer"]!.GetValue<string>()) == row.Name)!;
            row.Mse.Should().Be(run["test_mse"]!.GetValue<double>().ToString("0.0000", CultureInfo.InvariantCulture),
                                $"the table shows {row.Name}'s test MSE from results.json");
        }

        // stderr: warnings only: that a sigmoid cannot reach standardized values, why BCE goes negative, and each optimizer
        // that did no better than predicting the mean training sample (results.json's baseline).
        result.StandardErrorLines.Should().OnlyContain(l => l.StartsWith("warning: "), result.ToString());
        result.StandardErrorLines.Should().ContainSingle(l => l.Contains("sigmoid"))
            .Which.Should().Contain("standard").And.Contain("--scaler minmax");
        result.StandardErrorLines.Should().ContainSingle(l => l.Contains("BCE of targets outside [0, 1]"));
        double meanSample = json["data"]!["mean_sample_mse"]!.GetValue<double>();
        var worse = runs.Where(r => r!["test_mse"]!.GetValue<double>() >= meanSample).Select(r => OptimizerSettings.DisplayName(r!["optimizer"]!.GetValue<string>())).ToList();
        result.StandardErrorLines.Where(l => l.Contains("no better than predicting the mean training sample")).Select(l => l["warning: ".Length..].Split(' ')[0])
            .Should().BeEquivalentTo(worse);
        // results.json keeps the same warnings in the library's words: settings, not flags.
        var warnings = json["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        warnings.Should().HaveCount(2 + worse.Count).And.OnlyContain(w => !w.Contains("--"));
        warnings[0].Should().Contain("74% of the standard test values").And.Contain("minmax scaler");
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Minmax_scaling_gives_no_range_warning()
    {
        string outDir = OutDir();

        var result = Run("optimizers", "--out", outDir, "--epochs", "1", "--scaler", "minmax");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardErrorLines.Should().NotContain(l => l.Contains("sigmoid") || l.Contains("BCE"), "values scaled to [0, 1] are all reachable by a sigmoid");
        var json = ReadResults(outDir);
        json["settings"]!["scaler"]!.GetValue<string>().Should().Be("minmax");
        json["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).Should().NotContain(w => w.Contains("sigmoid") || w.Contains("BCE"));
        json["data"]!["mse_floor"]!.GetValue<double>().Should().Be(0);
    }

    [Fact]
    public void Same_seed_gives_identical_numbers_whatever_the_thread_count()
    {
        string one = OutDir("threads1"), two = OutDir("threads2"), other = OutDir("seed8");

        var r1 = Run("optimizers", "--out", one, "--epochs", "5", "--seed", "7", "--threads", "1");
        var r2 = Run("optimizers", "--out", two, "--epochs", "5", "--seed", "7", "--threads", "2");
        var r3 = Run("optimizers", "--out", other, "--epochs", "5", "--seed", "8", "--threads", "2");

        foreach (var r in new[] { r1, r2, r3 }) r.ExitCode.Should().Be(0, r.ToString());
        var (json1, json2, json3) = (ReadResults(one), ReadResults(two), ReadResults(other));
        json1["provenance"]!["threads"]!.GetValue<int>().Should().Be(1);
        json2["provenance"]!["threads"]!.GetValue<int>().Should().Be(2);

        var numbers1 = Fingerprint(json1);
        numbers1.Should().HaveCount(4 * (1 + 5 * 2), "4 runs × (test MSE + 5 epochs × 2 losses)");
        // The JSON numbers are written in round-trip form, so equal text means bit-identical doubles.
        Fingerprint(json2).Should().Equal(numbers1, "--threads must not change a single number");

        foreach (var json in new[] { json1, json2 })
            json["runs"]!.AsArray().Select(r => r!["seed"]!.GetValue<uint>()).Should().AllBeEquivalentTo(7u);
        json3["runs"]!.AsArray().Select(r => r!["seed"]!.GetValue<uint>()).Should().AllBeEquivalentTo(8u);
        foreach (var name in StudyOptimizers)
            TestMse(json3, name).Should().NotBe(TestMse(json1, name), $"{name} starts from other weights with --seed 8");
    }

    [Fact]
    public void Repeat_reports_mean_and_std()
    {
        string outDir = OutDir();

        var result = Run("optimizers", "--out", outDir, "--repeat", "3", "--epochs", "2", "--optimizers", "adam,sgd");

        result.ExitCode.Should().Be(0, result.ToString());
        var json = ReadResults(outDir);
        var runs = json["runs"]!.AsArray().Select(r => r!).ToList();
        runs.Should().HaveCount(6);
        var ranking = json["ranking"]!.AsArray().Select(r => r!).ToList();
        ranking.Select(r => r["optimizer"]!.GetValue<string>()).Should().BeEquivalentTo(["adam", "sgd"]);
        ranking.Select(r => r["rank"]!.GetValue<int>()).Should().Equal([1, 2]);
        ranking.Select(r => r["mean_test_mse"]!.GetValue<double>()).Should().BeInAscendingOrder();

        foreach (var name in new[] { "adam", "sgd" })
        {
            var mine = runs.Where(r => r["optimizer"]!.GetValue<string>() == name).ToList();
            mine.Should().HaveCount(3);
            mine.Select(r => r["seed"]!.GetValue<uint>()).Should().OnlyHaveUniqueItems().And.BeEquivalentTo([42u, 43u, 44u]);
            mine.Select(r => r["status"]!.GetValue<string>()).Should().OnlyContain(s => s == "completed");

            var mses = mine.Select(r => r["test_mse"]!.GetValue<double>()).ToList();
            double mean = mses.Average();
            double std = Math.Sqrt(mses.Sum(v => (v - mean) * (v - mean)) / (mses.Count - 1));

            var summary = ranking.Single(r => r["optimizer"]!.GetValue<string>() == name);
            summary["runs"]!.GetValue<int>().Should().Be(3);
            summary["mean_test_mse"]!.GetValue<double>().Should().BeApproximately(mean, 1e-12, $"{name}'s mean over its 3 seeds");
            summary["std_test_mse"]!.GetValue<double>().Should().BePositive($"3 seeds give 3 different test MSEs for {name}")
                .And.BeApproximately(std, 1e-12, $"{name}'s sample standard deviation over its 3 seeds");
        }
        result.StandardOutput.Should().Contain("±", "a repeated study shows mean ± std");
    }

    [Fact]
    public void Csv_dataset_trains_end_to_end()
    {
        string csv = Path.Combine(_dir, "points.csv");
        var text = new StringBuilder("f1,f2,f3,f4,f5,f6,label\n");
        var rng = new Random(3);
        for (int row = 0; row < 40; row++)
        {
            var values = Enumerable.Range(0, 6).Select(_ => (rng.NextDouble() * 10 - 5).ToString("0.###", CultureInfo.InvariantCulture));
            text.Append(string.Join(',', values)).Append(',').Append(row % 3).Append('\n');
        }
        File.WriteAllText(csv, text.ToString());
        string outDir = OutDir();

        var result = Run("optimizers", "--out", outDir, "--dataset", "csv:" + csv, "--epochs", "2");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardErrorLines.Should().NotContain(l => l.StartsWith("error:"));
        AssertNoStackTrace(result);
        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("completed");
        var data = json["data"]!;
        data["name"]!.GetValue<string>().Should().Be("points");
        data["features"]!.GetValue<int>().Should().Be(6, "the label column is not a feature");
        (data["train"]!.GetValue<int>() + data["test"]!.GetValue<int>()).Should().Be(40);
        var runs = json["runs"]!.AsArray();
        runs.Should().HaveCount(4);
        foreach (var run in runs.Select(r => r!))
        {
            run["status"]!.GetValue<string>().Should().Be("completed");
            run["epochs"]!.AsArray().Should().HaveCount(2);
            double.IsFinite(run["test_mse"]!.GetValue<double>()).Should().BeTrue();
        }
    }

    // ---- bad input: exit code 2, one line on stderr, nothing written ----

    [Fact]
    public void Ragged_csv_names_the_line()
    {
        string csv = WriteCsv("ragged.csv", "a,b,c,d,e\n1,2,3,4,5\n6,7,8,9\n1,2,3,4,5\n");

        string message = Rejected(CsvRun(csv), 2);

        message.Should().Contain("ragged.csv").And.Contain("line 3");
        string counts = message.Replace(csv, "");
        counts.Should().MatchRegex(@"\b4\b", "line 3 has 4 values").And.MatchRegex(@"\b5\b", "the other lines have 5");
    }

    [Fact]
    public void Non_numeric_csv_names_line_and_column()
    {
        string csv = WriteCsv("words.csv", "a,b,c\n1,2,3\n4,5,6\n7,eight,9\n");

        string message = Rejected(CsvRun(csv), 2);

        message.Should().Contain("words.csv").And.Contain("line 4").And.Contain("column 2").And.Contain("eight");
        message.Should().ContainEquivalentOf("not a number");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("")] // "4,,6": an empty cell is not a number either (double.TryParse fails on it)
    public void NaN_in_csv_is_rejected(string cell)
    {
        string csv = WriteCsv("holes.csv", $"a,b,c\n1,2,3\n4,{cell},6\n7,8,9\n");

        string message = Rejected(CsvRun(csv), 2);

        message.Should().Contain("holes.csv").And.Contain("line 3").And.Contain("column 2");
        message.Should().MatchRegex(cell.Length == 0 ? "not a number" : "not a finite value|not a number");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b,c\n")]
    [InlineData("\n\n\n")]
    public void Empty_csv_is_rejected(string content)
    {
        string csv = WriteCsv("nothing.csv", content);

        string message = Rejected(CsvRun(csv), 2);

        message.Should().Contain("nothing.csv");
        message.Should().MatchRegex("(?i)no data|empty");
    }

    [Fact]
    public void Missing_csv_file_is_rejected()
    {
        string csv = Path.Combine(_dir, "absent.csv");

        string message = Rejected(CsvRun(csv), 2);

        message.Should().Contain(csv);
        message.Should().MatchRegex("(?i)no such file|not found|does not exist|missing");
    }

    [Theory]
    [InlineData("--lr", "-0.1")] // System.CommandLine takes "-0.1" as the value, not as an option
    [InlineData("--lr=-0.1")]
    public void Negative_learning_rate_is_rejected(params string[] lr)
    {
        string message = Rejected(Run(["optimizers", "--out", OutDir(), "--epochs", "1", .. lr]), 2);

        message.Should().Contain("--lr").And.Contain("positive").And.Contain("-0.1");
    }

    [Fact]
    public void Zero_epochs_is_rejected()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--epochs", "0"), 2);

        message.Should().ContainEquivalentOf("epochs").And.MatchRegex(@"\b0\b");
    }

    [Fact]
    public void Zero_batch_size_is_rejected()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--epochs", "1", "--batch-size", "0"), 2);

        message.Should().ContainEquivalentOf("batch").And.MatchRegex(@"\b0\b");
    }

    [Fact]
    public void Unknown_optimizer_is_rejected()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--epochs", "1", "--optimizers", "adam,nosuch"), 2);

        message.Should().Contain("nosuch");
        foreach (var name in OptimizerSettings.Names)
            message.Should().MatchRegex($@"\b{name}\b", $"the message lists the valid names, {name} among them");
    }

    [Fact]
    public void Unknown_option_is_rejected()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--epochs", "1", "--no-such-option"), 2);

        message.Should().Contain("--no-such-option");
    }

    [Fact]
    public void A_value_outside_the_allowed_list_is_one_line_naming_the_choices()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--loss", "huber"), 2);
        message.Should().Contain("'huber'").And.Contain("'mse'").And.Contain("'bce'");
    }

    [Fact]
    public void Unwritable_out_is_rejected_before_training()
    {
        // Tests run as root, so permissions would not stop the program: a parent that is a file does.
        string blocker = Path.Combine(_dir, "blocker");
        File.WriteAllText(blocker, "a file, not a directory");
        string outDir = Path.Combine(blocker, "sub");

        // A million epochs would take minutes: finishing at once proves --out is checked before training.
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(30),
            "optimizers", "--out", outDir, "--epochs", "1000000", "--optimizers", "adam");

        // An --out that cannot be written is bad usage, found before any work starts.
        string message = Rejected(result, 2);
        message.Should().Contain(outDir);
        File.ReadAllText(blocker).Should().Be("a file, not a directory");
    }

    /// <summary>Not in the original list: a zero hidden layer must be bad usage, found before any work starts.</summary>
    [Fact]
    public void Zero_hidden_layer_size_is_rejected()
    {
        string message = Rejected(Run("optimizers", "--out", OutDir(), "--epochs", "1", "--threads", "2", "--hidden", "16,0"), 2);

        message.Should().ContainEquivalentOf("hidden");
    }

    // ---- interruption ---------------------------------------------------------------------------

    [Theory]
    [InlineData("INT")]  // Ctrl-C
    [InlineData("TERM")] // kill, docker stop, a CI job being cancelled
    public void Interrupt_saves_finished_runs(string signal)
    {
        string outDir = OutDir();
        using var process = BottleneckProcess.Start(_dir, "optimizers", "--out", outDir, "--epochs", "1000000", "--optimizers", "adam");

        // The range warning is printed just before the program starts listening for Ctrl-C and training.
        process.WaitUntil(p => p.StandardErrorSoFar.Contains("warning:"), TimeSpan.FromSeconds(30))
            .Should().BeTrue($"the run should start\n{process.StandardErrorSoFar}");
        Thread.Sleep(1000);
        // .NET does not listen for SIGINT when it starts with SIGINT ignored (a background job of a
        // non-interactive shell); Ctrl-C cannot reach such a process, so send what the program also handles.
        if (signal == "INT" && process.Ignores(2)) signal = "TERM";
        process.Signal(signal);
        var result = process.WaitForExit(TimeSpan.FromSeconds(20));

        result.ExitCode.Should().Be(1, result.ToString());
        AssertNoStackTrace(result);
        var errors = result.StandardErrorLines.Where(l => l.StartsWith("error:")).ToList();
        errors.Should().ContainSingle(result.ToString());
        errors[0].Should().StartWith("error: interrupted").And.Contain(outDir);
        result.StandardErrorLines[^1].Should().Be(errors[0], "the reason comes last");
        if (signal == "INT")
            result.StandardErrorLines.Should().Contain(l => l.StartsWith("interrupted:"), "Ctrl-C is acknowledged at once");

        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("cancelled");
        var run = json["runs"]!.AsArray().Should().ContainSingle().Which!;
        run["optimizer"]!.GetValue<string>().Should().Be("adam");
        run["status"]!.GetValue<string>().Should().Be("cancelled");
        run["epochs"]!.AsArray().Count.Should().BeGreaterThan(0, "the epochs finished before the interrupt are kept");
        foreach (var file in new[] { "results.csv", "epochs.csv", "optimizers.svg", "curves.svg" })
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written");
        Directory.GetFiles(outDir, "*.partial*").Should().BeEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private ProcessResult CsvRun(string csv) =>
        Run("optimizers", "--out", OutDir(), "--epochs", "1", "--dataset", "csv:" + csv);

    private string OutDir(string name = "out") => Path.Combine(_dir, name);

    private string WriteCsv(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Rejected(ProcessResult result, params int[] exitCodes)
    {
        Directory.GetFiles(_dir, "results.json", SearchOption.AllDirectories).Should().BeEmpty("nothing ran");
        return Refused(result, exitCodes, OutDir());
    }

    private static JsonNode ReadResults(string outDir)
    {
        string path = Path.Combine(outDir, "results.json");
        File.Exists(path).Should().BeTrue($"{path} should exist");
        var json = JsonNode.Parse(File.ReadAllText(path));
        json.Should().NotBeNull();
        json!["schema"]!.GetValue<string>().Should().Be("bottleneck/optimizers/v1");
        return json;
    }

    private static double TestMse(JsonNode json, string optimizer) =>
        json["runs"]!.AsArray().Single(r => r!["optimizer"]!.GetValue<string>() == optimizer)!["test_mse"]!.GetValue<double>();

    /// <summary>Every number a run produced (not timings), as written in results.json, keyed by run and epoch.</summary>
    private static List<string> Fingerprint(JsonNode json) =>
        [.. json["runs"]!.AsArray().Select(r => r!).OrderBy(r => r["optimizer"]!.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(r => r["repeat"]!.GetValue<int>())
            .SelectMany(r =>
            {
                string run = $"{r["optimizer"]}#{r["repeat"]}";
                return new[] { $"{run} test_mse {Raw(r["test_mse"])}" }.Concat(r["epochs"]!.AsArray().Select(e => e!).SelectMany(e => new[]
                {
                    $"{run} epoch {e["epoch"]} train_loss {Raw(e["train_loss"])}",
                    $"{run} epoch {e["epoch"]} val_loss {Raw(e["val_loss"])}",
                }));
            })];

    private static string Raw(JsonNode? number)
    {
        number.Should().NotBeNull("a finished run's losses are finite numbers, not null");
        return number!.ToJsonString();
    }
}
