using System.Text.Json.Nodes;
using Bottleneck.Tests.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// The published command (compiled ahead of time, trimmed, with no JIT and no reflection-based serialisation) does what the
/// build the other tests run does, to the last digit: the same losses, scores, codes, maps and ONNX bytes from study A, a
/// convolutional model trained on a folder of PNG images (SkiaSharp's native decoder), a k-fold study in its SQLite store,
/// t-SNE and export. Only times and the provenance (runtime, start time) may differ.
/// </summary>
public sealed partial class PublishedCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-published-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [PublishedFact]
    public void Study_a_gives_the_same_numbers()
    {
        var (built, published) = Both("optimizers", "--epochs", "5", "--out", "run");

        SameJson(built, published, "run/results.json");
        SameCsv(built, published, "run/results.csv");
        SameCsv(built, published, "run/epochs.csv");
    }

    [PublishedFact]
    public void A_convolutional_model_on_png_images_trains_encodes_maps_and_exports_the_same()
    {
        SyntheticImages.RedAndBlue(Path.Combine(_dir, "photos"), train: 16, test: 6, size: 36, seed: 3);
        string dataset = $"images:{Path.Combine(_dir, "photos")}?size=32";

        var (built, published) = Both("train", "--dataset", dataset, "--model", "lab-rgb", "--code-size", "8", "--epochs", "2", "--batch-size", "8", "--out", "train");
        SameJson(built, published, "train/results.json");
        SameCsv(built, published, "train/epochs.csv");

        Both("encode", "--checkpoint", "train/model.safetensors", "--dataset", dataset, "--out", "codes");
        SameBytes(built, published, "codes/codes.csv");

        Both("embed", "--points", "codes/codes.csv", "--perplexity", "5", "--out", "map");
        SameBytes(built, published, "map/embedding.csv");
        SameJson(built, published, "map/results.json");

        Both("export", "--checkpoint", "train/model.safetensors", "--out", "model.onnx");
        SameBytes(built, published, "model.onnx");
    }

    [PublishedFact]
    public void A_k_fold_study_in_its_sqlite_store_ranks_the_same()
    {
        var (built, published) = Both("tune", "--dataset", "digits", "--model", "dense", "--code-size", "8", "--batch-size", "128", "--folds", "3",
                                      "--epochs", "2", "--grid", "lr=1e-2,1e-3", "--out", "study");

        SameJson(built, published, "study/results.json");
    }

    // The command run by the build the tests use (in built/) and by the published executable (in published/), each from its folder.
    private (string Built, string Published) Both(params string[] args)
    {
        string built = Path.Combine(_dir, "built"), published = Path.Combine(_dir, "published");
        Directory.CreateDirectory(built);
        Directory.CreateDirectory(published);
        var a = BottleneckProcess.Run(built, Timeout, args);
        a.ExitCode.Should().Be(0, a.ToString());
        var b = BottleneckProcess.RunExecutable(PublishedFactAttribute.Executable!, published, Timeout, args);
        b.ExitCode.Should().Be(0, b.ToString());
        Printed(b.StandardOutput.Replace(published, built)).Should().Equal(Printed(a.StandardOutput), "the published command prints the same numbers");
        return (built, published);
    }

    // What a run prints but its progress lines (which epochs get one depends on time) and its speeds and times.
    private static List<string> Printed(string stdout) =>
        [.. stdout.Split('\n').Where(l => !l.Contains(" epoch ")).Select(l => Timing().Replace(l, ""))];

    [System.Text.RegularExpressions.GeneratedRegex(@"\((?:[\d:]+ left|done)\)|[\d,.]+ (?:img|images)/s|\d+:\d+ elapsed|; [\d.]+ s$")]
    private static partial System.Text.RegularExpressions.Regex Timing();

    private static void SameBytes(string built, string published, string file) =>
        File.ReadAllBytes(Path.Combine(published, file)).Should().Equal(File.ReadAllBytes(Path.Combine(built, file)), file);

    private static void SameJson(string built, string published, string file)
    {
        string Normalised(string folder) => WithoutTimes(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file)).Replace(folder, "<dir>")))!.ToJsonString();
        Normalised(published).Should().Be(Normalised(built), file);
    }

    // Times, and where and when the run happened, are all that may differ.
    private static JsonNode? WithoutTimes(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key is "provenance" or "invocations" or "started" || key.Contains("second")) o.Remove(key);
                    else WithoutTimes(o[key]);
                }
                break;
            case JsonArray a:
                foreach (var item in a) WithoutTimes(item);
                break;
        }
        return node;
    }

    private static void SameCsv(string built, string published, string file)
    {
        static string[][] Untimed(string path)
        {
            var rows = File.ReadAllLines(path).Select(l => l.Split(',')).ToArray();
            var kept = Enumerable.Range(0, rows[0].Length).Where(c => !rows[0][c].Contains("second")).ToArray();
            return [.. rows.Select(r => kept.Select(c => r[c]).ToArray())];
        }
        var expected = Untimed(Path.Combine(built, file));
        var actual = Untimed(Path.Combine(published, file));
        actual.Should().HaveCount(expected.Length, file);
        for (int i = 0; i < expected.Length; i++) actual[i].Should().Equal(expected[i], $"{file}, line {i + 1}");
    }
}
