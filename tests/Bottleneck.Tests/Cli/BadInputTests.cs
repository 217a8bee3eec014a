using System.Diagnostics;
using System.Text;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Search;
using Bottleneck.Tensors;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Bad input and hostile files, as a user (or an attacker) hands them to the program: each is refused with one line
/// and the right exit code, fast, without a stack trace, and without writing anything outside the run directory.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-bad-input-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    // ---- pipeline phase names --------------------------------------------------------------

    [Theory]
    [InlineData("../../escaped")]
    [InlineData("/tmp/bottleneck-absolute-phase")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_phase_name_that_is_a_path_is_refused_and_nothing_is_written_outside_the_run(string name)
    {
        string pipeline = File("pipe.yaml", $"dataset: digits\nphases:\n  - name: \"{name}\"\n    train: {{epochs: 1, model: dense}}\n");
        string outDir = Path.Combine(_dir, "nested", "deeper", "run");

        string line = Refused(Run("run", pipeline, "--out", outDir), [2], outDir);

        line.Should().Contain("pipe.yaml line 3").And.Contain("not a plain folder name");
        Directory.Exists(Path.Combine(_dir, "escaped")).Should().BeFalse();
        Directory.Exists(Path.Combine(_dir, "nested", "escaped")).Should().BeFalse();
        Directory.Exists("/tmp/bottleneck-absolute-phase").Should().BeFalse();
    }

    // ---- study stores ----------------------------------------------------------------------

    private static readonly string[] TinyTune =
        ["tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2,1e-3", "--folds", "2", "--epochs", "1", "--threads", "1"];

    [Fact]
    public void A_store_without_a_study_says_what_to_do_and_the_original_command_then_runs_it()
    {
        string outDir = Path.Combine(_dir, "tune");
        Directory.CreateDirectory(outDir);
        // What SIGKILL right after the store was made leaves: the schema, no study.
        new SqliteStudyStore(Path.Combine(outDir, "study.db")).Dispose();

        string line = Refused(Run("tune", "--resume", outDir), [2]);
        line.Should().Contain("holds no study yet").And.Contain("run the command that started it again");

        var again = Run([.. TinyTune, "--out", outDir]);
        again.ExitCode.Should().Be(0, again.ToString());
        System.IO.File.Exists(Path.Combine(outDir, "results.json")).Should().BeTrue();
    }

    [Fact]
    public void An_empty_store_file_is_a_store_without_a_study()
    {
        string outDir = Path.Combine(_dir, "tune");
        Directory.CreateDirectory(outDir);
        System.IO.File.WriteAllBytes(Path.Combine(outDir, "study.db"), []);

        Refused(Run("tune", "--resume", outDir), [2]).Should().Contain("holds no study yet");
    }

    [Theory]
    [InlineData("UPDATE meta SET value = '{}' WHERE name = 'definition'", "definition is damaged")]
    [InlineData("UPDATE meta SET value = 'garbage' WHERE name = 'definition'", "definition is damaged")]
    [InlineData("UPDATE trials SET result = '{}'", "stored result of trial")]
    [InlineData("UPDATE trials SET result = 'garbage'", "stored result of trial")]
    [InlineData("UPDATE trials SET result = NULL; UPDATE stages SET json = '{}'", "stored fold of trial")]
    public void A_damaged_store_is_one_line_naming_the_file_and_what_is_wrong(string damage, string expected)
    {
        string outDir = Path.Combine(_dir, "tune");
        var first = Run([.. TinyTune, "--out", outDir]);
        first.ExitCode.Should().Be(0, first.ToString());
        string store = Path.Combine(outDir, "study.db");
        using (var connection = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = damage;
            command.ExecuteNonQuery();
        }

        string line = Refused(Run("tune", "--resume", outDir), [2]);
        line.Should().Contain("study.db").And.Contain(expected);
    }

    [TmpfsFact]
    public void A_full_disk_during_a_study_is_exit_1_and_keeps_every_committed_fold()
    {
        using var disk = new Tmpfs(Path.Combine(_dir, "small"), kilobytes: 1536);
        // Leave the study room for its store and a few folds, not for all of them and the report.
        System.IO.File.WriteAllBytes(Path.Combine(disk.Path, "filler"), new byte[1312 * 1024]); // written, not sparse: it takes the room
        string outDir = Path.Combine(disk.Path, "tune");

        var result = Run("tune", "--dataset", "digits", "--model", "dense", "--code-size", "4", "--grid", "lr=1e-2,5e-3,2e-3,1e-3,5e-4,2e-4,1e-4,5e-5",
                         "--folds", "2", "--epochs", "20", "--threads", "1", "--out", outDir);

        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardErrorLines.Should().ContainSingle(result.ToString()).Which.Should().StartWith("error: ");
        AssertNoStackTrace(result);
        System.IO.File.Delete(Path.Combine(disk.Path, "filler"));
        // What was committed reads back: the study resumes and finishes once there is room.
        var resumed = Run("tune", "--resume", outDir);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        resumed.StandardOutput.Should().Contain("Top 5");
    }

    // ---- YAML ------------------------------------------------------------------------------

    // Nine levels of ten aliases each: 10⁹ values once expanded.
    private static string Laughs(string tail)
    {
        var text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) text.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        return text.Append(tail).ToString();
    }

    public static TheoryData<string, string, string> Bombs() => new()
    {
        { "model", "input: [1, 8, 8]\nencoder: &e {*e: 1}\ndecoder: [dense: 64]\n", "a key must be a plain value" },
        { "model", Laughs("? *a8\n: 1\ninput: [1, 8, 8]\n"), "expand to more than" },
        { "model", Laughs("input: [1, 8, 8]\nencoder: *a8\ndecoder: [dense: 64]\n"), "expand to more than" },
        { "model", "input: [1, 8, 8]\nencoder: &e [flatten, *e]\ndecoder: [dense: 64]\n", "not complete" },
        { "pipeline", "dataset: digits\n&p {*p: 1}: x\nphases: []\n", "a key must be a plain value" },
        { "pipeline", Laughs("? *a8\n: 1\nphases: []\n"), "expand to more than" },
        { "pipeline", "dataset: digits\nx: &x [1]\n? *x\n: 2\nphases: []\n", "a key must be a plain value" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Cyclic_aliases_alias_keys_and_alias_bombs_are_refused_at_once(string kind, string text, string expected)
    {
        string path = File(kind + ".yaml", text);
        var clock = Stopwatch.StartNew();
        var result = kind == "model"
            ? Run("train", "--dataset", "digits", "--model", path, "--epochs", "1", "--out", Path.Combine(_dir, "out"))
            : Run("run", path, "--out", Path.Combine(_dir, "out"));
        Refused(result, [2], Path.Combine(_dir, "out")).Should().Contain(expected);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "a bomb is found before it is expanded");
    }

    // ---- checkpoints -----------------------------------------------------------------------

    private string Checkpoint(Action<Dictionary<string, SafetensorsTensor>>? damage = null, string? architecture = null)
    {
        var spec = Presets.Dense([1, 8, 8], 4, [16], OutputActivation.Sigmoid, InitScheme.KaimingUniform);
        string path = Path.Combine(_dir, "model.safetensors");
        Bottleneck.Models.Checkpoint.Save(path, spec.Build(new RandomState(1)), spec, new Dictionary<string, string> { ["training"] = """{"dataset":"digits","seed":0}""" });
        var file = Safetensors.Read(path);
        var tensors = file.Tensors.ToDictionary(t => t.Key, t => t.Value);
        damage?.Invoke(tensors);
        var metadata = file.Metadata.ToDictionary(m => m.Key, m => m.Value);
        if (architecture is not null) metadata["architecture"] = architecture;
        Safetensors.Write(path, [.. tensors.Values], metadata);
        return path;
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("robustness")]
    public void A_checkpoint_with_NaN_weights_is_refused_when_it_is_loaded(string command)
    {
        string path = Checkpoint(t => t["encoder.1.weight"].Data[3] = float.NaN);
        string line = Refused(Run(command, "--checkpoint", path, "--out", Path.Combine(_dir, "out")), [2], Path.Combine(_dir, "out"));
        line.Should().Contain("encoder.1.weight").And.Contain("NaN");
    }

    [Fact]
    public void An_architecture_that_asks_for_billions_of_parameters_is_refused_before_anything_is_allocated()
    {
        string path = Checkpoint(architecture: """{"input":[1,8,8],"encoder":["flatten",{"dense":{"out":12000000}}],"decoder":[{"dense":64}]}""");
        var clock = Stopwatch.StartNew();
        string line = Refused(Run("robustness", "--checkpoint", path, "--out", Path.Combine(_dir, "out")), [2]);
        line.Should().Contain("more than 134,217,728 parameters");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("2147483647")]
    [InlineData("0")]
    public void A_thread_count_beyond_any_machine_is_one_line(string threads)
    {
        Refused(Run("train", "--dataset", "digits", "--model", "dense", "--threads", threads, "--out", Path.Combine(_dir, "out")), [2], Path.Combine(_dir, "out"))
            .Should().Contain("--threads must be from 1 to 1024");
    }

    // ---- odd files ---------------------------------------------------------------------------

    [Fact]
    public void A_huge_sparse_file_of_zeros_given_as_CSV_is_refused_as_binary_at_once()
    {
        string path = Path.Combine(_dir, "huge.csv");
        using (var stream = new FileStream(path, FileMode.Create)) stream.SetLength(1L << 30);
        var clock = Stopwatch.StartNew();
        Refused(Run("train", "--dataset", "csv:" + path, "--model", "dense", "--out", Path.Combine(_dir, "out")), [2]).Should().Contain("binary data");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("model")]
    [InlineData("pipeline")]
    public void A_named_pipe_is_refused_without_waiting_on_it(string kind)
    {
        string fifo = MakeFifo("input");
        var result = kind switch
        {
            "csv" => Run("train", "--dataset", "csv:" + fifo, "--model", "dense", "--out", Path.Combine(_dir, "out")),
            "model" => Run("train", "--dataset", "digits", "--model", fifo, "--out", Path.Combine(_dir, "out")),
            _ => Run("run", fifo, "--out", Path.Combine(_dir, "out")),
        };
        Refused(result, [2]).Should().Contain("not a regular file");
    }

    [Fact]
    public void A_named_pipe_in_a_dataset_folder_is_named_and_skipped_without_hanging()
    {
        string folder = Path.Combine(_dir, "data");
        Directory.CreateDirectory(folder);
        MakeFifo(Path.Combine("data", "train-images-idx3-ubyte"));
        foreach (var name in new[] { "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            System.IO.File.WriteAllBytes(Path.Combine(folder, name), [0, 0, 8, 1, 0, 0, 0, 0]);
        var environment = new Dictionary<string, string?>
        {
            [Downloader.MirrorVariable] = "http://127.0.0.1:9/",
            ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache"),
            [DatasetPlaces.DataVariable] = null,
            [DatasetPlaces.SystemVariable] = Path.Combine(_dir, "system"),
        };
        var result = BottleneckProcess.Run(_dir, BottleneckProcess.DefaultTimeout, environment,
                                           "train", "--dataset", "mnist", "--data-dir", folder, "--out", Path.Combine(_dir, "out"));
        // Where the data was looked for is said first; the refusal is the last line.
        result.ExitCode.Should().Be(1, result.ToString());
        AssertNoStackTrace(result);
        result.StandardErrorLines[^1].Should().StartWith("error: ").And.Contain("not a regular file").And.Contain("train-images-idx3-ubyte");
    }

    private string MakeFifo(string name)
    {
        string path = Path.Combine(_dir, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        mkfifo.ExitCode.Should().Be(0);
        return path;
    }

    // ---- downloads -----------------------------------------------------------------------------

    [Theory]
    [InlineData("file:///srv/mirror")]
    [InlineData("ftp://mirror.example/datasets")]
    public void A_mirror_that_is_not_http_is_one_line(string mirror)
    {
        var environment = new Dictionary<string, string?> { [Downloader.MirrorVariable] = mirror, ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache") };
        var result = BottleneckProcess.Run(_dir, BottleneckProcess.DefaultTimeout, environment, "datasets", "fetch", "kmnist");
        Refused(result, [2], Path.Combine(_dir, "cache")).Should().Contain("http and https only");
    }

    // ---- reports -------------------------------------------------------------------------------

    [Fact]
    public void A_report_inlines_only_the_runs_own_figures_and_never_a_script()
    {
        string run = Path.Combine(_dir, "train");
        var train = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "1", "--out", run);
        train.ExitCode.Should().Be(0, train.ToString());
        const string Evil = """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect onload="alert(2)" width="1" height="1"/></svg>""";
        System.IO.File.WriteAllText(Path.Combine(run, "dropped.svg"), Evil);
        System.IO.File.WriteAllText(Path.Combine(run, "curves.svg"), Evil);

        var report = Run("report", run);

        report.ExitCode.Should().Be(0, report.ToString());
        string html = System.IO.File.ReadAllText(Path.Combine(run, "report.html"));
        html.Should().NotContain("<script").And.NotContain("onload").And.NotContain("alert(");
        html.Should().Contain("curves.svg is not shown: it holds an element &lt;script&gt;");
        html.Should().Contain("<a href=\"dropped.svg\">dropped.svg</a>", "a dropped-in file is listed, not shown");
    }

    [Fact]
    public void A_pipeline_results_file_pointing_a_phase_outside_the_run_pulls_nothing_in()
    {
        string outside = Path.Combine(_dir, "elsewhere");
        Directory.CreateDirectory(outside);
        System.IO.File.WriteAllText(Path.Combine(outside, "results.json"), """{"schema": "bottleneck/embed/v1"}""");
        System.IO.File.WriteAllText(Path.Combine(outside, "embedding.svg"), """<svg xmlns="http://www.w3.org/2000/svg"><title>secret-outside</title></svg>""");
        string run = Path.Combine(_dir, "pipeline");
        Directory.CreateDirectory(run);
        System.IO.File.WriteAllText(Path.Combine(run, "results.json"), """
            {"schema": "bottleneck/pipeline/v1", "status": "completed", "provenance": {"command": "bottleneck run p.yaml"},
             "phases": [{"name": "codes", "kind": "embed", "directory": "../elsewhere"}]}
            """);

        var report = Run("report", run);

        report.ExitCode.Should().Be(0, report.ToString());
        string html = System.IO.File.ReadAllText(Path.Combine(run, "report.html"));
        html.Should().NotContain("secret-outside").And.Contain("is not a folder of this run");
    }

    // ---- run directories -----------------------------------------------------------------------

    [Fact]
    public void A_run_directory_holding_another_run_is_refused_and_left_as_it_was()
    {
        string run = Path.Combine(_dir, "train");
        var first = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "1", "--out", run);
        first.ExitCode.Should().Be(0, first.ToString());
        var before = Directory.GetFiles(run).ToDictionary(f => f, System.IO.File.GetLastWriteTimeUtc);

        Refused(Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "2", "--out", run), [2]).Should().Contain("already holds a run of bottleneck/train/v1");
        Refused(Run("optimizers", "--epochs", "1", "--out", run), [2]).Should().Contain("already holds a run of bottleneck/train/v1");

        Directory.GetFiles(run).ToDictionary(f => f, System.IO.File.GetLastWriteTimeUtc).Should().Equal(before);
    }

    // ---- levels and cells ----------------------------------------------------------------------

    [Theory]
    [InlineData("0:1:1e-300", "too many")]
    [InlineData("1e300", "far beyond any useful")]
    public void Noise_levels_that_cannot_work_are_refused(string levels, string expected)
    {
        string path = Checkpoint();
        Refused(Run("robustness", "--checkpoint", path, "--noise", levels, "--out", Path.Combine(_dir, "out")), [2], Path.Combine(_dir, "out"))
            .Should().Contain(expected);
    }

    [Fact]
    public void A_line_break_inside_a_quoted_cell_still_gives_a_one_line_error()
    {
        string csv = File("cells.csv", "a,b\n1,2\n3,\"4\nnot a number\"\n");
        Refused(Run("train", "--dataset", "csv:" + csv, "--model", "dense", "--out", Path.Combine(_dir, "out")), [2]).Should().Contain("is not a number");
    }
}
