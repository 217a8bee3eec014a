using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>End-to-end tests of a variational autoencoder on the digits: train --model vae-dense, then generate, encode and the refusals.</summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-generate-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    private string TrainedVae(int codeSize)
    {
        string dir = Path.Combine(_dir, $"vae{codeSize}");
        var train = Run("train", "--dataset", "digits", "--model", "vae-dense", "--code-size", $"{codeSize}", "--hidden", "32", "--loss", "bce",
                        "--epochs", "6", "--lr", "3e-3", "--beta", "0.5", "--kl-warmup", "2", "--out", dir);
        train.ExitCode.Should().Be(0, train.ToString());
        return Path.Combine(dir, "model.safetensors");
    }

    [Fact]
    public void A_vae_trains_with_its_terms_recorded_and_generates_samples_interpolations_and_a_manifold()
    {
        string model = TrainedVae(2);
        var train = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(model)!, "results.json")))!;
        train["settings"]!["architecture"]!["variational"]!.GetValue<bool>().Should().BeTrue();
        (train["settings"]!["beta"]!.GetValue<double>(), train["settings"]!["kl_warmup"]!.GetValue<int>()).Should().Be((0.5, 2));
        var epochs = train["epochs"]!.AsArray();
        foreach (var e in epochs)
            foreach (var key in new[] { "reconstruction", "kl", "negative_elbo", "val_negative_elbo" })
                e![key].Should().NotBeNull($"every VAE epoch records {key}");
        epochs[^1]!["negative_elbo"]!.GetValue<double>().Should().BeLessThan(epochs[0]!["negative_elbo"]!.GetValue<double>());

        string outDir = Path.Combine(_dir, "gen");
        var result = Run("generate", "--checkpoint", model, "--samples", "16", "--pairs", "3", "--steps", "6", "--grid", "6", "--out", outDir);
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        foreach (var file in new[] { "samples.png", "interpolations.png", "manifold.png", "results.json", "report.html" })
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue(file);
        // A grid's size tells its rows and columns: the 6×6 manifold is square, as wide as the 6-step interpolations, and twice their 3 rows high.
        var manifold = PngSize(Path.Combine(outDir, "manifold.png"));
        var lines = PngSize(Path.Combine(outDir, "interpolations.png"));
        manifold.Width.Should().Be(manifold.Height);
        manifold.Width.Should().Be(lines.Width);
        lines.Height.Should().BeLessThan(manifold.Height);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        (json["code_size"]!.GetValue<int>(), json["grid"]!.GetValue<int>(), json["samples"]!.GetValue<int>()).Should().Be((2, 6, 16));
        File.ReadAllText(Path.Combine(outDir, "report.html")).Should().Contain("Φ⁻¹(u)");

        // A code wider than 2 has no manifold grid; the codes a VAE gives are μ, the same on every call.
        string wide = TrainedVae(4);
        var noGrid = Run("generate", "--checkpoint", wide, "--out", Path.Combine(_dir, "gen4"));
        noGrid.ExitCode.Should().Be(0, noGrid.ToString());
        File.Exists(Path.Combine(_dir, "gen4", "manifold.png")).Should().BeFalse();
        var once = Run("encode", "--checkpoint", wide, "--out", Path.Combine(_dir, "codes1"));
        var twice = Run("encode", "--checkpoint", wide, "--out", Path.Combine(_dir, "codes2"));
        (once.ExitCode, twice.ExitCode).Should().Be((0, 0), once.ToString() + twice);
        File.ReadAllText(Path.Combine(_dir, "codes2", "codes.csv")).Should().Be(File.ReadAllText(Path.Combine(_dir, "codes1", "codes.csv")));
    }

    [Fact]
    public void Vae_only_commands_and_settings_on_a_plain_model_are_refused()
    {
        var plain = Run("train", "--dataset", "digits", "--model", "dense", "--epochs", "1", "--out", Path.Combine(_dir, "plain"));
        plain.ExitCode.Should().Be(0, plain.ToString());
        string outDir = Path.Combine(_dir, "out");
        Refused(Run("generate", "--checkpoint", Path.Combine(_dir, "plain", "model.safetensors"), "--out", outDir), [2], outDir).Should().Contain("plain autoencoder");
        Refused(Run("train", "--dataset", "digits", "--model", "dense", "--beta", "0.5", "--out", outDir), [2], outDir).Should().Contain("--beta").And.Contain("variational");
        Refused(Run("train", "--dataset", "digits", "--model", "vae-dense", "--beta", "-1", "--out", outDir), [2], outDir).Should().Contain("--beta");
        Refused(Run("export", "--checkpoint", TrainedVae(2), "--out", Path.Combine(outDir, "m.onnx")), [2], outDir).Should().Contain("variational");
    }

    [Fact]
    public void The_normal_quantile_inverts_the_normal_cdf()
    {
        Generation.NormalQuantile(0.5).Should().Be(0);
        foreach (var (p, z) in new[] { (0.975, 1.959963984540054), (0.8413447460685429, 1.0), (0.001, -3.090232306167813), (1e-10, -6.361340902404056) })
            Generation.NormalQuantile(p).Should().BeApproximately(z, 1e-8 * Math.Max(1, Math.Abs(z)), $"Φ⁻¹({p})");
        FluentActions.Invoking(() => Generation.NormalQuantile(1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int Big(int at) => bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3];
        return (Big(16), Big(20));
    }
}
