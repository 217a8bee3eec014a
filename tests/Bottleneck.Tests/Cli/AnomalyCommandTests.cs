using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>End-to-end tests of <c>bottleneck anomaly</c> on the embedded digits: the one-class protocol, its files and its refusals.</summary>
public sealed class AnomalyCommandTests : IDisposable
{
    private static readonly string[] Quick = ["--dataset", "digits", "--model", "dense", "--code-size", "6", "--epochs", "20", "--batch-size", "32"];

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-anomaly-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private ProcessResult Run(params string[] args) => BottleneckProcess.Run(_dir, args);

    [Fact]
    public void Each_normal_class_is_scored_against_the_rest_with_every_figure_recomputable_from_scores_csv()
    {
        string outDir = Path.Combine(_dir, "out");
        var result = Run(["anomaly", .. Quick, "--normal-class", "0,7", "--repeat", "2", "--threads", "2", "--out", outDir]);
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        AssertNoStackTrace(result);
        foreach (var file in new[] { "scores.csv", "roc.svg", "scores-0.svg", "scores-7.svg", "extremes.png", "results.json", "report.html" })
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue(file);
        result.StandardOutputLines.Should().Contain(l => l.StartsWith("class 0 (0): ROC AUC ")).And.Contain(l => l.StartsWith("mean ROC AUC "));

        var rows = File.ReadAllLines(Path.Combine(outDir, "scores.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        rows.Should().HaveCount(2 * 2 * 450, "2 classes × 2 repeats × 450 test images");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        json["schema"]!.GetValue<string>().Should().Be("bottleneck/anomaly/v1");
        json["status"]!.GetValue<string>().Should().Be("completed");
        var classes = json["classes"]!.AsArray();
        classes.Select(c => c!["class"]!.GetValue<int>()).Should().Equal(0, 7);
        foreach (var c in classes)
        {
            int normal = c!["class"]!.GetValue<int>();
            var aucs = c["aucs"]!.AsArray().Select(a => a!.GetValue<double>()).ToList();
            for (int r = 0; r < 2; r++)
            {
                var mine = rows.Where(x => x[0] == $"{normal}" && x[1] == $"{r}").ToList();
                mine.Select(x => x[4] == "1").Should().Equal(mine.Select(x => x[3] != $"{normal}"), "anomalous = every other class");
                double[] scores = [.. mine.Select(x => double.Parse(x[5], CultureInfo.InvariantCulture))];
                bool[] anomalous = [.. mine.Select(x => x[4] == "1")];
                aucs[r].Should().BeApproximately(PairwiseAuc(scores, anomalous), 1e-12);
                c["average_precisions"]!.AsArray()[r]!.GetValue<double>().Should().BeApproximately(DetectionMetrics.AveragePrecision(scores, anomalous), 1e-12);
            }
            aucs[0].Should().NotBe(aucs[1], "two seeds give two models");
            c["auc_mean"]!.GetValue<double>().Should().BeApproximately(aucs.Average(), 1e-12);
            c["auc_std"]!.GetValue<double>().Should().BeGreaterThan(0);
            c["auc_mean"]!.GetValue<double>().Should().BeGreaterThan(0.75, "a digit's own autoencoder reconstructs the other digits worse");
        }
        json["mean_auc"]!.GetValue<double>().Should().BeApproximately(classes.Average(c => c!["auc_mean"]!.GetValue<double>()), 1e-12);
        File.ReadAllText(Path.Combine(outDir, "report.html")).Should().Contain("Per normal class").And.Contain("One-class anomaly detection");
    }

    [Fact]
    public void A_variational_model_scores_by_its_negative_elbo()
    {
        string outDir = Path.Combine(_dir, "vae");
        var result = Run("anomaly", "--dataset", "digits", "--model", "vae-dense", "--code-size", "4", "--hidden", "32", "--loss", "bce", "--epochs", "20",
                         "--batch-size", "32", "--normal-class", "0", "--out", outDir);
        result.ExitCode.Should().Be(0, result.ToString());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        json["settings"]!["score"]!.GetValue<string>().Should().StartWith("negative ELBO");
        json["classes"]![0]!["auc_mean"]!.GetValue<double>().Should().BeGreaterThan(0.75);
    }

    [Fact]
    public void A_checkpoint_scores_the_test_images_with_a_threshold_from_their_first_half()
    {
        var train = Run("train", "--dataset", "digits", "--model", "dense", "--code-size", "6", "--epochs", "10", "--out", Path.Combine(_dir, "model"));
        train.ExitCode.Should().Be(0, train.ToString());
        string outDir = Path.Combine(_dir, "scored");
        var result = Run("anomaly", "--checkpoint", Path.Combine(_dir, "model", "model.safetensors"), "--normal-class", "3", "--fpr", "0.2", "--out", outDir);
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        var rows = File.ReadAllLines(Path.Combine(outDir, "scores.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        rows.Should().HaveCount(450);
        rows.Take(225).Should().OnlyContain(r => r[2] == "validation");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        json["schema"]!.GetValue<string>().Should().Be("bottleneck/anomaly-score/v1");
        double threshold = json["threshold"]!.GetValue<double>();
        double Score(string[] r) => double.Parse(r[3], CultureInfo.InvariantCulture);
        var validation = rows.Take(225).Where(r => r[1] == "3").Select(Score).Order().ToList();
        json["validation"]!.GetValue<int>().Should().Be(validation.Count);
        // The smallest threshold that flags at most 20% of the validation half's normal images.
        validation.Count(v => v > threshold).Should().BeLessThanOrEqualTo((int)(0.2 * validation.Count));
        validation.Count(v => v >= threshold).Should().BeGreaterThan((int)(0.2 * validation.Count));
        rows.Where(r => (r[4] == "1") != (Score(r) > threshold)).Should().BeEmpty("an image is flagged exactly when its score is over the threshold");
        var evaluation = rows.Skip(225).ToList();
        var normals = evaluation.Where(r => r[1] == "3").ToList();
        var anomalies = evaluation.Where(r => r[1] != "3").ToList();
        json["false_positive_rate"]!.GetValue<double>().Should().BeApproximately(normals.Count(r => r[4] == "1") / (double)normals.Count, 1e-12);
        json["true_positive_rate"]!.GetValue<double>().Should().BeApproximately(anomalies.Count(r => r[4] == "1") / (double)anomalies.Count, 1e-12);
        json["auc"]!.GetValue<double>().Should().BeApproximately(DetectionMetrics.RocAuc([.. evaluation.Select(Score)], [.. evaluation.Select(r => r[1] != "3")]), 1e-12);
        Refused(Run("anomaly", "--checkpoint", Path.Combine(_dir, "model", "model.safetensors"), "--fpr", "0", "--out", Path.Combine(_dir, "x")), [2]).Should().Contain("--fpr");
        Refused(Run("anomaly", "--checkpoint", Path.Combine(_dir, "model", "model.safetensors"), "--normal-class", "42", "--out", Path.Combine(_dir, "x")), [2])
            .Should().Contain("42 is not a class");
    }

    [Fact]
    public void The_scores_are_the_same_on_any_thread_count()
    {
        var one = Run(["anomaly", .. Quick, "--normal-class", "3", "--threads", "1", "--out", Path.Combine(_dir, "one")]);
        var two = Run(["anomaly", .. Quick, "--normal-class", "3", "--threads", "2", "--out", Path.Combine(_dir, "two")]);
        one.ExitCode.Should().Be(0, one.ToString());
        two.ExitCode.Should().Be(0, two.ToString());
        File.ReadAllText(Path.Combine(_dir, "two", "scores.csv")).Should().Be(File.ReadAllText(Path.Combine(_dir, "one", "scores.csv")));
    }

    [Fact]
    public void Bad_input_is_one_line_and_writes_nothing()
    {
        string outDir = Path.Combine(_dir, "out");
        Refused(Run(["anomaly", .. Quick, "--normal-class", "12", "--out", outDir]), [2], outDir).Should().Contain("--normal-class").And.Contain("12 is not a class of digits");
        Refused(Run(["anomaly", .. Quick, "--normal-class", "1,1", "--out", outDir]), [2], outDir).Should().Contain("twice");
        Refused(Run(["anomaly", .. Quick, "--repeat", "0", "--out", outDir]), [2], outDir).Should().Contain("--repeat");
        File.WriteAllText(Path.Combine(_dir, "unlabelled.csv"), "a,b\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{i},{i % 3}\n")));
        Refused(Run("anomaly", "--dataset", "csv:" + Path.Combine(_dir, "unlabelled.csv"), "--model", "dense", "--epochs", "1", "--out", outDir), [2], outDir)
            .Should().Contain("has no labels");
        Directory.Exists(outDir).Should().BeFalse();
    }

    // The Mann–Whitney statistic by counting every (anomaly, normal) pair, ties a half: what ROC AUC is.
    private static double PairwiseAuc(double[] scores, bool[] anomalous)
    {
        double wins = 0, pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            if (anomalous[i])
                for (int j = 0; j < scores.Length; j++)
                    if (!anomalous[j]) { pairs++; wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0; }
        return wins / pairs;
    }
}
