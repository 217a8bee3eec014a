using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>End-to-end tests of <c>bottleneck encode</c>: codes and errors of a checkpoint, the round trip into embed, bad input.</summary>
public sealed class EncodeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-encode-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private string Trained()
    {
        var train = Run("train", "--dataset", "digits", "--model", "dense", "--code-size", "6", "--epochs", "3", "--seed", "2", "--out", Path.Combine(_dir, "model"));
        train.ExitCode.Should().Be(0, train.ToString());
        return Path.Combine(_dir, "model", "model.safetensors");
    }

    [Fact]
    public void Codes_go_through_embed_points_to_the_same_map_as_embed_checkpoint()
    {
        string model = Trained();
        string encoded = Path.Combine(_dir, "encoded");
        var encode = Run("encode", "--checkpoint", model, "--out", encoded);
        encode.ExitCode.Should().Be(0, encode.ToString());
        encode.StandardError.Should().BeEmpty();
        AssertNoStackTrace(encode);
        foreach (var file in new[] { "codes.csv", "errors.csv", "codes.svg", "results.json", "report.html" })
            File.Exists(Path.Combine(encoded, file)).Should().BeTrue(file);

        var codes = File.ReadAllLines(Path.Combine(encoded, "codes.csv")).Where(l => l.Length > 0).ToList();
        codes[0].Should().Be("z0,z1,z2,z3,z4,z5,label");
        codes.Should().HaveCount(451, "digits has 450 test images (a 75/25 split of 1,797)");
        var errors = File.ReadAllLines(Path.Combine(encoded, "errors.csv")).Where(l => l.Length > 0).ToList();
        errors[0].Should().Be("sample,label,reconstruction_mse");
        errors.Should().HaveCount(451);
        codes.Skip(1).Select(l => l.Split(',')[^1]).Should().Equal(errors.Skip(1).Select(l => l.Split(',')[1]), "both files list the samples in one order");

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(encoded, "results.json")))!;
        json["schema"]!.GetValue<string>().Should().Be("bottleneck/encode/v1");
        (json["samples"]!.GetValue<int>(), json["code_size"]!.GetValue<int>()).Should().Be((450, 6));
        double meanError = errors.Skip(1).Average(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture));
        json["mean_reconstruction_mse"]!.GetValue<double>().Should().BeApproximately(meanError, 1e-12);
        json["units"]!.AsArray().Should().HaveCount(6);

        // The same codes, twice: a PCA map of codes.csv and embed's own map of the checkpoint's codes are the same map.
        var fromPoints = Run("embed", "--points", Path.Combine(encoded, "codes.csv"), "--method", "pca", "--out", Path.Combine(_dir, "points-map"));
        fromPoints.ExitCode.Should().Be(0, fromPoints.ToString());
        var fromCheckpoint = Run("embed", "--checkpoint", model, "--samples", "450", "--method", "pca", "--out", Path.Combine(_dir, "checkpoint-map"));
        fromCheckpoint.ExitCode.Should().Be(0, fromCheckpoint.ToString());
        File.ReadAllText(Path.Combine(_dir, "points-map", "embedding.csv")).Should().Be(File.ReadAllText(Path.Combine(_dir, "checkpoint-map", "embedding.csv")));
    }

    [Fact]
    public void A_csv_of_inputs_is_encoded_as_given()
    {
        string model = Trained();
        // The first three rows of the first encode's test images, written out as a CSV of inputs: same codes.
        var first = Run("encode", "--checkpoint", model, "--samples", "3", "--out", Path.Combine(_dir, "first"));
        first.ExitCode.Should().Be(0, first.ToString());
        var inputs = Path.Combine(_dir, "inputs.csv");
        var test = Bottleneck.Data.TrainTestSplit.Split(Scaled(), 0.25, 2).Test;
        File.WriteAllLines(inputs, [string.Join(",", Enumerable.Range(0, 64).Select(j => $"p{j}")),
            .. Enumerable.Range(0, 3).Select(i => string.Join(",", test.Features.Row(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))))]);
        var fromCsv = Run("encode", "--checkpoint", model, "--points", inputs, "--out", Path.Combine(_dir, "csv"));
        fromCsv.ExitCode.Should().Be(0, fromCsv.ToString());
        var expected = File.ReadAllLines(Path.Combine(_dir, "first", "codes.csv")).Skip(1).Where(l => l.Length > 0).Select(l => string.Join(",", l.Split(',')[..6]));
        File.ReadAllLines(Path.Combine(_dir, "csv", "codes.csv")).Skip(1).Where(l => l.Length > 0).Should().Equal(expected);
    }

    // The digits as train scales them: min-max on the training part of the seed's split.
    private static Bottleneck.Data.Dataset Scaled()
    {
        var digits = Bottleneck.Data.Digits.Load();
        var (train, test) = Bottleneck.Data.TrainTestSplit.Split(digits, 0.25, 2);
        var scaler = new Bottleneck.Data.MinMaxScaler().Fit(train.Features);
        return digits.WithFeatures(scaler.Transform(digits.Features));
    }

    [Fact]
    public void Bad_input_is_one_line_and_writes_nothing()
    {
        string model = Trained();
        string outDir = Path.Combine(_dir, "out");
        Refused(Run("encode", "--checkpoint", Path.Combine(_dir, "none.safetensors"), "--out", outDir), [2], outDir).Should().Contain("does not exist");
        Refused(Run("encode", "--checkpoint", model, "--points", "x.csv", "--dataset", "digits", "--out", outDir), [2], outDir).Should().Contain("one of the two");
        File.WriteAllText(Path.Combine(_dir, "narrow.csv"), "a,b\n1,2\n");
        Refused(Run("encode", "--checkpoint", model, "--points", Path.Combine(_dir, "narrow.csv"), "--out", outDir), [2], outDir)
            .Should().Contain("does not fit");
        Refused(Run("encode", "--checkpoint", model, "--samples", "0", "--out", outDir), [2], outDir).Should().Contain("--samples");
        Directory.Exists(outDir).Should().BeFalse();
    }
}
