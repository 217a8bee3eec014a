using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Reports;
using Bottleneck.Tensors;
using Bottleneck.Tests.Reports;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// End-to-end tests of <c>bottleneck train</c>: the real program in a child process (exit code,
/// stdout, stderr and the run directory as a shell sees them), its checkpoint read back in-process.
/// The fast tests train on the embedded 8×8 digits; the lab model needs Fashion-MNIST.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private static readonly string[] RunFiles = ["model.safetensors", "results.json", "epochs.csv", "curves.svg", "reconstructions.png"];

    /// <summary>A small conv autoencoder for 1×8×8 digits: 8×8 → conv s2 → 4×4×4 → code 8 → 4×4×4 → conv-transpose s2 → 8×8.</summary>
    private const string ConvDigitsYaml = """
        # a conv autoencoder for the 8x8 digits
        input: [1, 8, 8]
        encoder: [conv2d: {out: 4, kernel: 3, stride: 2, padding: 1}, relu, flatten, dense: 8]
        decoder: [dense: 64, relu, unflatten: [4, 4, 4], conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}, sigmoid]
        """;

    /// <summary>No output activation: nothing saturates, so a huge learning rate overflows the loss.</summary>
    private const string LinearDigitsYaml = """
        input: [1, 8, 8]
        encoder: [flatten, dense: 8]
        decoder: [dense: 64, unflatten: [1, 8, 8]]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-train-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    // ---- successful runs ----------------------------------------------------------------------

    [Fact]
    public void Train_on_digits_writes_model_results_curves_and_reconstructions()
    {
        string outDir = OutDir();

        var result = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "3", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        // Three epochs are too few to beat predicting the mean training sample, and the run says so, with results.json's numbers.
        var json = ReadResults(outDir);
        double testMse = json["test_mse"]!.GetValue<double>(), meanSample = json["baselines"]!["mean_image"]!.GetValue<double>();
        testMse.Should().BeGreaterThan(meanSample);
        result.StandardErrorLines.Should().ContainSingle().Which.Should()
            .Be($"warning: the model has test MSE {G4(testMse)}, no better than predicting the mean training sample ({G4(meanSample)}): " +
                "it has not learned the data yet; train longer, or try another learning rate");
        result.StandardOutput.Should().Contain($"(predicting the mean training sample: {F6(meanSample)}, zeros: {F6(json["baselines"]!["zeros"]!.GetValue<double>())})");
        json["warnings"]!.AsArray().Should().ContainSingle();
        AssertNoStackTrace(result);
        foreach (var file in RunFiles)
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written\n{result}");
        Directory.GetFiles(outDir, "*.partial*").Should().BeEmpty("no half-written file is left behind");

        json["status"]!.GetValue<string>().Should().Be("completed");
        double.IsFinite(testMse).Should().BeTrue();
        testMse.Should().BePositive();
        json["images_per_second"]!.GetValue<double>().Should().BePositive();
        var epochs = json["epochs"]!.AsArray().Select(e => e!).ToList();
        epochs.Select(e => e["epoch"]!.GetValue<int>()).Should().Equal(1, 2, 3);
        foreach (var epoch in epochs)
        {
            epoch["train_loss"]!.GetValue<double>().Should().BePositive();
            epoch["val_loss"]!.GetValue<double>().Should().BePositive();
            double seconds = epoch["seconds"]!.GetValue<double>(), trainSeconds = epoch["train_seconds"]!.GetValue<double>();
            trainSeconds.Should().BePositive();
            seconds.Should().BeGreaterThanOrEqualTo(trainSeconds, "an epoch's time includes its training time and validation");
        }
        json["settings"]!["dataset"]!.GetValue<string>().Should().Be("digits");
        (json["settings"]!["train_samples"]!.GetValue<int>() + json["settings"]!["test_samples"]!.GetValue<int>()).Should().Be(1797);

        // The CSV and the chart hold the same epochs.
        File.ReadAllLines(Path.Combine(outDir, "epochs.csv")).Where(l => l.Length > 0).Should().HaveCount(1 + 3);
        XDocument.Load(Path.Combine(outDir, "curves.svg")).Root!.Name.LocalName.Should().Be("svg");

        // stdout: one line per epoch with its throughput, then the test MSE of results.json.
        var epochLines = result.StandardOutputLines.Where(l => Regex.IsMatch(l, @"epoch \d+/3 .*val_loss \d+\.\d+ .*[\d,]+ img/s")).ToList();
        epochLines.Should().HaveCount(3, result.ToString());
        result.StandardOutputLines.Should().Contain(l => l.StartsWith($"test MSE {testMse.ToString("0.000000", CultureInfo.InvariantCulture)}"),
            "the final line shows results.json's test MSE");

        // reconstructions.png: ten 8×8 test images (scaled ×2) above their reconstructions.
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, "reconstructions.png"));
        png[..8].Should().Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG starts with its signature");
        PngSize(png).Should().Be(GridSize(8, 8, columns: 10, rows: 2));
        PngDecoder.Decode(png).Channels.Should().Be(1, "grayscale");
    }

    [Fact]
    public void Profile_prints_where_the_time_went_and_keeps_it_in_the_results()
    {
        string outDir = OutDir();
        var result = Run("train", "--dataset", "digits", "--model", "dense", "--hidden", "32", "--epochs", "2", "--profile", "--out", outDir);
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("Where").And.Contain("Dense(64 → 32)").And.Contain("optimizer").And.MatchRegex(@"achieved [0-9.]+ GFLOP/s");
        var profile = ReadResults(outDir)["profile"]!;
        profile["layers"]!.AsArray().Select(l => l!["layer"]!.GetValue<string>()).Should().Contain("Dense(64 → 32)");
        profile["steps"]!.GetValue<long>().Should().BeGreaterThan(0);
        profile["peak_gflops"]!.GetValue<double>().Should().BeGreaterThan(profile["gflops"]!.GetValue<double>());
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Without_profile_results_hold_none()
    {
        string outDir = OutDir();
        Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "1", "--out", outDir).ExitCode.Should().Be(0);
        ReadResults(outDir).AsObject().ContainsKey("profile").Should().BeFalse();
    }

    [Fact]
    public void Saved_model_loads_back_with_its_architecture()
    {
        string outDir = OutDir();

        var result = Run("train", "--dataset", "digits", "--model", "dense", "--code-size", "12", "--epochs", "3",
                         "--optimizer", "rmsprop", "--lr", "0.002", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        var (model, spec, metadata) = Checkpoint.Load(Path.Combine(outDir, "model.safetensors"));

        var expected = Presets.Dense([1, 8, 8], 12, [], OutputActivation.Sigmoid, InitScheme.KaimingUniform);
        spec.ToJson().ToJsonString().Should().Be(expected.ToJson().ToJsonString(), "the checkpoint carries the dense preset for 1×8×8 digits");
        spec.Input.Should().Equal(1, 8, 8);
        model.CodeSize.Should().Be(12);
        model.OutputShape.Should().Equal(1, 8, 8);
        Checkpoint.StateDict(model).Select(t => t.Name).Should().Equal(
            "encoder.1.weight", "encoder.1.bias", "decoder.0.weight", "decoder.0.bias");

        metadata[Checkpoint.FormatKey].Should().Be(Checkpoint.Format);
        var training = JsonNode.Parse(metadata["training"])!;
        training["optimizer"]!["name"]!.GetValue<string>().Should().Be("rmsprop");
        training["optimizer"]!["learning_rate"]!.GetValue<double>().Should().Be(0.002);
        training["epochs"]!.GetValue<int>().Should().Be(3);
        training["dataset"]!.GetValue<string>().Should().Be("digits");
        training["model"]!.GetValue<string>().Should().Be("dense");

        var json = ReadResults(outDir);
        double.Parse(metadata["test_mse"], CultureInfo.InvariantCulture).Should().Be(json["test_mse"]!.GetValue<double>(),
            "the checkpoint and results.json tell the same test MSE");
        json["model"]!["code_size"]!.GetValue<int>().Should().Be(12);
        json["model"]!["parameters"]!.GetValue<long>().Should().Be(model.ParameterCount);
    }

    [Fact]
    public void Same_seed_gives_identical_weights_on_one_and_two_threads()
    {
        string modelFile = WriteFile("conv-digits.yaml", ConvDigitsYaml);
        string one = OutDir("threads1"), two = OutDir("threads2"), other = OutDir("seed6");
        string[] common = ["train", "--dataset", "digits", "--model", modelFile, "--batch-size", "64", "--epochs", "3"];

        var r1 = Run([.. common, "--seed", "5", "--threads", "1", "--out", one]);
        var r2 = Run([.. common, "--seed", "5", "--threads", "2", "--out", two]);
        var r3 = Run([.. common, "--seed", "6", "--threads", "2", "--out", other]);

        foreach (var r in new[] { r1, r2, r3 }) r.ExitCode.Should().Be(0, r.ToString());
        var (j1, j2, j3) = (ReadResults(one), ReadResults(two), ReadResults(other));
        j1["provenance"]!["threads"]!.GetValue<int>().Should().Be(1);
        j2["provenance"]!["threads"]!.GetValue<int>().Should().Be(2);

        var w1 = Safetensors.Read(Path.Combine(one, "model.safetensors")).Tensors;
        var w2 = Safetensors.Read(Path.Combine(two, "model.safetensors")).Tensors;
        w1.Keys.Should().BeEquivalentTo(w2.Keys);
        w1.Keys.Should().Contain("encoder.0.weight", "the conv layer is trained");
        foreach (var name in w1.Keys)
        {
            w2[name].Shape.Should().Equal(w1[name].Shape, name);
            Bits(w2[name].Data).Should().Equal(Bits(w1[name].Data), $"{name} is bit-identical on 1 and 2 threads");
        }
        Raw(j2["test_mse"]).Should().Be(Raw(j1["test_mse"]));
        LossHistory(j2).Should().Equal(LossHistory(j1));

        // The comparison can fail: another seed gives other weights.
        var w3 = Safetensors.Read(Path.Combine(other, "model.safetensors")).Tensors;
        Bits(w3["encoder.0.weight"].Data).Should().NotEqual(Bits(w1["encoder.0.weight"].Data));
        Raw(j3["test_mse"]).Should().NotBe(Raw(j1["test_mse"]));
    }

    [Fact]
    public void Model_file_trains_end_to_end()
    {
        string modelFile = WriteFile("conv-digits.yaml", ConvDigitsYaml);
        string outDir = OutDir();

        var result = Run("train", "--dataset", "digits", "--model", modelFile, "--batch-size", "64", "--epochs", "3", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardErrorLines.Should().OnlyContain(l => l.Contains("no better than predicting the mean training sample"), "three epochs are only a start");
        foreach (var file in RunFiles)
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written\n{result}");
        // One line describes data and model, unbroken however long the model file's path (logs are read by line).
        result.StandardOutputLines.Should().Contain(l => l.StartsWith("digits: 1,347 training samples and 450 test samples; ")
            && l.Contains($"{modelFile} model, ") && l.Contains("code size 8; ") && l.EndsWith(" threads"), result.ToString());

        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("completed");
        json["settings"]!["model"]!.GetValue<string>().Should().Be(modelFile);
        json["model"]!["code_size"]!.GetValue<int>().Should().Be(8);
        json["epochs"]!.AsArray().Should().HaveCount(3);
        var losses = json["epochs"]!.AsArray().Select(e => e!["train_loss"]!.GetValue<double>()).ToList();
        losses[^1].Should().BeLessThan(losses[0], "three epochs of Adam make progress");

        // The checkpoint holds the file's architecture under PyTorch's state_dict names.
        var (model, spec, _) = Checkpoint.Load(Path.Combine(outDir, "model.safetensors"));
        spec.ToJson().ToJsonString().Should().Be(ModelSpec.Load(modelFile).ToJson().ToJsonString());
        Checkpoint.StateDict(model).Select(t => $"{t.Name} [{string.Join(",", t.Value.Shape)}]").Should().Equal(
            "encoder.0.weight [4,1,3,3]", "encoder.0.bias [4]", "encoder.3.weight [8,64]", "encoder.3.bias [8]",
            "decoder.0.weight [64,8]", "decoder.0.bias [64]", "decoder.3.weight [4,1,3,3]", "decoder.3.bias [1]");
        PngSize(File.ReadAllBytes(Path.Combine(outDir, "reconstructions.png"))).Should().Be(GridSize(8, 8, columns: 10, rows: 2));
    }

    // ---- a run that fails ---------------------------------------------------------------------

    [Fact]
    public void A_diverging_run_exits_1_and_keeps_its_history()
    {
        // The dense preset's sigmoid saturates (and its ReLUs die) at lr 1e30 without ever producing an
        // infinite loss, so this model has a linear output. One batch per epoch: the first epoch's
        // training loss is finite, its step throws the weights to ~1e30, and validation overflows.
        string modelFile = WriteFile("linear-digits.yaml", LinearDigitsYaml);
        string outDir = OutDir();

        var result = Run("train", "--dataset", "digits", "--model", modelFile, "--optimizer", "sgd", "--lr", "1e30", "--loss", "mse",
                         "--batch-size", "2048", "--epochs", "3", "--out", outDir);

        result.ExitCode.Should().Be(1, result.ToString());
        AssertNoStackTrace(result);
        result.StandardErrorLines.Should().ContainSingle(result.ToString());
        string error = result.StandardErrorLines[0];
        error.Should().StartWith("error: ").And.Contain("diverged").And.Contain("--lr").And.Contain(outDir);

        File.Exists(Path.Combine(outDir, "model.safetensors")).Should().BeFalse("a diverged model is not worth saving");
        File.Exists(Path.Combine(outDir, "reconstructions.png")).Should().BeFalse();
        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("diverged");
        json["message"]!.GetValue<string>().Should().ContainEquivalentOf("infinity").And.Contain("epoch 1");
        json["test_mse"].Should().BeNull("a diverged run has no test score");
        var epoch = json["epochs"]!.AsArray().Should().ContainSingle("the epoch that diverged is kept").Which!;
        epoch["train_loss"]!.GetValue<double>().Should().BePositive("the first batch was scored before the step that diverged");
        epoch["val_loss"].Should().BeNull("an infinite loss is written as null");
        File.ReadAllLines(Path.Combine(outDir, "epochs.csv")).Where(l => l.Length > 0).Should().HaveCount(1 + 1);
        XDocument.Load(Path.Combine(outDir, "curves.svg")).Root!.Name.LocalName.Should().Be("svg");
    }

    // ---- bad input: exit code 2 (1 for a dataset that cannot be had), one line on stderr, nothing written ----

    [Fact]
    public void Lab_model_on_digits_is_rejected()
    {
        string message = Rejected(Run("train", "--dataset", "digits", "--model", "lab", "--epochs", "1", "--out", OutDir()), 2);

        message.Should().Contain("lab").And.Contain("28×28").And.Contain("[1, 8, 8]");
    }

    [Fact]
    public void Unknown_model_is_rejected_before_any_data_is_loaded()
    {
        // The default dataset, fashion-mnist, is nowhere and cannot be downloaded: the typo must be found first.
        string message = Rejected(Run(Isolated(), "train", "--model", "nosuch", "--epochs", "1", "--out", OutDir()), 2);

        message.Should().Contain("'nosuch'");
        foreach (var preset in Presets.Names) message.Should().MatchRegex($@"\b{preset}\b", "the message lists the presets");
        message.Should().Contain("model file");
    }

    [Theory]
    [InlineData("indent.yaml", "input: [1, 8, 8]\nencoder:\n  - flatten\n  - dense: 8\ndecoder:\n  - dense: 64\n   - unflatten: [1, 8, 8]\n", 7)]
    [InlineData("bracket.yaml", "input: [1, 8, 8]\nencoder: [flatten, dense: 8\ndecoder: [dense: 64, unflatten: [1, 8, 8]]\n", 2)]
    [InlineData("layer.yaml", "input: [1, 8, 8]\nencoder: [flatten, dense: 8]\ndecoder:\n  - dense: 64\n  - nosuchlayer\n", 5)]
    public void Model_file_with_an_error_names_file_and_line(string name, string content, int line)
    {
        string modelFile = WriteFile(name, content);

        // Found before the data is loaded: the default dataset is unavailable here.
        string message = Rejected(Run(Isolated(), "train", "--model", modelFile, "--epochs", "1", "--out", OutDir()), 2);

        message.Should().Contain(name).And.Contain($"line {line}");
    }

    [Fact]
    public void Zero_limit_is_rejected()
    {
        string message = Rejected(Run("train", "--dataset", "digits", "--model", "dense", "--limit", "0", "--out", OutDir()), 2);

        message.Should().Contain("--limit").And.MatchRegex(@"\b0\b");
    }

    [Fact]
    public void Unknown_optimizer_is_rejected()
    {
        string message = Rejected(Run("train", "--dataset", "digits", "--model", "dense", "--optimizer", "nosuch", "--out", OutDir()), 2);

        message.Should().Contain("nosuch");
        foreach (var name in Bottleneck.Optimizers.OptimizerSettings.Names)
            message.Should().MatchRegex($@"\b{name}\b", $"the message lists the valid names, {name} among them");
    }

    [Fact]
    public void Negative_learning_rate_is_rejected()
    {
        string message = Rejected(Run("train", "--dataset", "digits", "--model", "dense", "--lr", "-1", "--out", OutDir()), 2);

        message.Should().Contain("--lr").And.Contain("positive").And.Contain("-1");
    }

    [Fact]
    public void Zero_epochs_is_rejected()
    {
        string message = Rejected(Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "0", "--out", OutDir()), 2);

        message.Should().ContainEquivalentOf("epochs").And.MatchRegex(@"\b0\b");
    }

    [Fact]
    public void Missing_dataset_says_where_it_looked_and_how_to_get_it()
    {
        var result = Run(Isolated(), "train", "--dataset", "kmnist", "--epochs", "1", "--out", OutDir());

        result.ExitCode.Should().Be(1, result.ToString());
        AssertNoStackTrace(result);
        result.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a closed port fails at once");
        // Before the reason, stderr may say that a download is being tried; the reason is one line, and last.
        var errors = result.StandardErrorLines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        errors.Should().ContainSingle(result.ToString());
        string message = result.StandardErrorLines[^1];
        message.Should().Be(errors[0]).And.StartWith("error: kmnist not found");
        message.Should().Contain(Path.Combine(Cache, "bottleneck", "datasets", "kmnist"), "the user cache was looked in");
        message.Should().Contain(Path.Combine(_dir, "system", "kmnist"), "the system folder was looked in");
        message.Should().Contain("127.0.0.1:9", "the failed download is named");
        message.Should().Contain("bottleneck datasets fetch kmnist").And.Contain("--data-dir");

        Directory.Exists(OutDir()).Should().BeFalse("no run directory is made for a run that never started");
        Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Should().BeEmpty("a failed download leaves no file behind");
    }

    [Fact]
    public void An_out_that_cannot_be_made_is_refused_before_any_data_is_looked_for_or_downloaded()
    {
        string file = WriteFile("taken", "a file, not a folder");
        foreach (var bad in new[] { file, Path.Combine(file, "run") })
        {
            string message = Rejected(Run(Isolated(), "train", "--dataset", "kmnist", "--epochs", "1", "--out", bad), 2);
            message.Should().Contain("--out").And.Contain(file).And.NotContain("kmnist", "the dataset is not looked for");
        }
        File.ReadAllText(file).Should().Be("a file, not a folder");
        Directory.Exists(Cache).Should().BeFalse("no download was tried");
    }

    // ---- real data ----------------------------------------------------------------------------

    [FashionMnistFact]
    public void Train_lab_on_fashion_mnist_subset()
    {
        string outDir = OutDir();

        var result = Run(Isolated(), TimeSpan.FromSeconds(120), "train", "--dataset", "fashion-mnist", "--data-dir", FashionMnistFactAttribute.Directory!,
                         "--model", "lab", "--limit", "2048", "--epochs", "1", "--out", outDir);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardErrorLines.Should().NotContain(l => l.StartsWith("error:") || (l.StartsWith("warning:") && !l.Contains("predicting the mean training sample")));
        AssertNoStackTrace(result);
        foreach (var file in RunFiles)
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue($"{file} should be written\n{result}");

        var json = ReadResults(outDir);
        json["status"]!.GetValue<string>().Should().Be("completed");
        json["settings"]!["train_samples"]!.GetValue<int>().Should().Be(2048, "--limit 2048");
        json["settings"]!["test_samples"]!.GetValue<int>().Should().Be(10_000, "the whole published test split");
        json["model"]!["parameters"]!.GetValue<long>().Should().Be(51_605, "the lab model with code size 20");
        // Eight Adam steps barely start the lab model (a constant 0.5 output scores about 0.17), but its score is
        // a real MSE, and with --loss mse the last epoch's validation loss on the same test split.
        double testMse = json["test_mse"]!.GetValue<double>();
        testMse.Should().BeInRange(0.001, 0.3);
        testMse.Should().BeApproximately(json["epochs"]!.AsArray().Single()!["val_loss"]!.GetValue<double>(), 1e-6);

        // reconstructions.png: the first ten test images (28×28, scaled ×2) above the saved model's reconstructions.
        byte[] bytes = File.ReadAllBytes(Path.Combine(outDir, "reconstructions.png"));
        PngSize(bytes).Should().Be(GridSize(28, 28, columns: 10, rows: 2));
        var png = PngDecoder.Decode(bytes);
        var (_, test) = DatasetCatalog.LoadSplit("fashion-mnist", FashionMnistFactAttribute.Directory, allowDownload: false, log: null);
        var (model, _, _) = Checkpoint.Load(Path.Combine(outDir, "model.safetensors"));
        var x = new Tensor([10, 1, 28, 28]);
        test.Features.Data.AsSpan(0, x.Length).CopyTo(x.Data);
        model.Eval();
        var y = model.Forward(x);
        for (int i = 0; i < 10; i++)
        {
            Cell(png, 28, 28, column: i, row: 0).Should().Equal(Gray(x.Row(i)), $"test image {i} is in the top row");
            Cell(png, 28, 28, column: i, row: 1).Should().Equal(Gray(y.Row(i)), $"the saved model's reconstruction of test image {i} is below it");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private ProcessResult Run(Dictionary<string, string?> environment, params string[] args) =>
        Run(environment, BottleneckProcess.DefaultTimeout, args);

    private ProcessResult Run(Dictionary<string, string?> environment, TimeSpan timeout, params string[] args) =>
        BottleneckProcess.Run(_dir, timeout, environment, args);

    /// <summary>No $BOTTLENECK_DATA, an empty user cache and system folder, and downloads from a closed port.</summary>
    private Dictionary<string, string?> Isolated() => new()
    {
        ["XDG_CACHE_HOME"] = Cache,
        [DatasetPlaces.DataVariable] = null,
        [DatasetPlaces.SystemVariable] = Path.Combine(_dir, "system"),
        [Downloader.MirrorVariable] = "http://127.0.0.1:9",
    };

    private string Cache => Path.Combine(_dir, "cache");

    private string OutDir(string name = "out") => Path.Combine(_dir, name);

    private string WriteFile(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Rejected(ProcessResult result, int exitCode)
    {
        Directory.GetFiles(_dir, "results.json", SearchOption.AllDirectories).Should().BeEmpty("nothing ran");
        return Refused(result, [exitCode], OutDir(), Cache);
    }

    private static JsonNode ReadResults(string outDir)
    {
        string path = Path.Combine(outDir, "results.json");
        File.Exists(path).Should().BeTrue($"{path} should exist");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["schema"]!.GetValue<string>().Should().Be(TrainReport.SchemaName);
        return json;
    }

    private static string Raw(JsonNode? number)
    {
        number.Should().NotBeNull("a finished run's numbers are finite, not null");
        return number!.ToJsonString();
    }

    private static List<string> LossHistory(JsonNode json) =>
        [.. json["epochs"]!.AsArray().Select(e => $"{e!["epoch"]} {Raw(e["train_loss"])} {Raw(e["val_loss"])}")];

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    /// <summary>Width and height from the IHDR chunk, which follows the 8-byte signature and the chunk's length and type.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        png.Length.Should().BeGreaterThan(24);
        System.Text.Encoding.ASCII.GetString(png, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    // ImageGrid's layout: images scaled ×2, a gap around and between them; two rows are one group (no group gap).
    private const int Scale = 2;

    private static (int Width, int Height) GridSize(int imageHeight, int imageWidth, int columns, int rows) =>
        (ImageGrid.Gap + columns * (imageWidth * Scale + ImageGrid.Gap), ImageGrid.Gap + rows * (imageHeight * Scale + ImageGrid.Gap));

    /// <summary>One image of the grid, read back at its original size (top-left pixel of each scaled block).</summary>
    private static byte[] Cell(PngDecoder.Image png, int imageHeight, int imageWidth, int column, int row)
    {
        int left = ImageGrid.Gap + column * (imageWidth * Scale + ImageGrid.Gap), top = ImageGrid.Gap + row * (imageHeight * Scale + ImageGrid.Gap);
        var pixels = new byte[imageHeight * imageWidth];
        for (int y = 0; y < imageHeight; y++)
            for (int x = 0; x < imageWidth; x++)
                pixels[y * imageWidth + x] = png.At(left + x * Scale, top + y * Scale);
        return pixels;
    }

    private static byte[] Gray(ReadOnlySpan<float> image)
    {
        var bytes = new byte[image.Length];
        for (int i = 0; i < image.Length; i++) bytes[i] = (byte)(Math.Clamp(image[i], 0f, 1f) * 255f + 0.5f);
        return bytes;
    }

    private static string G4(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string F6(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);
}
