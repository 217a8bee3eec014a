using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary><c>bottleneck run</c> as a user runs it: a whole small study on the embedded digits, from data to report.</summary>
public sealed class RunCommandTests : IDisposable
{
    private const string Pipeline = """
        dataset: digits
        model: dense
        hidden: 16
        code-size: 4
        batch-size: 64
        seed: 0
        threads: 2
        phases:
          - name: phase1
            tune: {grid: "lr=1e-2,1e-3", folds: 2, epochs: 2}
          - name: final
            train: {epochs: 2, use_best_of: [phase1]}
          - name: robustness
            robustness: {noise: "0,0.5", occlusion: "0,0.5", samples: 100}
          - name: codes
            embed: {method: pca, samples: 200, use_model_of: final}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-run-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void A_pipeline_tunes_trains_and_studies_the_model_with_a_folder_and_a_report_section_per_phase()
    {
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run");
        File.WriteAllText(file, Pipeline);

        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);

        result.ExitCode.Should().Be(0, result.ToString());
        AssertNoStackTrace(result);
        result.StandardOutput.Should().Contain("== phase robustness (robustness of final) ==").And.Contain("== phase codes (embed of final) ==");
        string[] phases = ["phase1", "final", "robustness", "codes"];
        foreach (var phase in phases)
        {
            File.Exists(Path.Combine(run, phase, "results.json")).Should().BeTrue($"phase {phase} finished");
            File.Exists(Path.Combine(run, phase, "report.html")).Should().BeTrue($"phase {phase} has its page");
        }
        // The phases write what the commands write.
        foreach (var f in new[] { "robustness.csv", "noise.svg", "occlusion.svg" }) File.Exists(Path.Combine(run, "robustness", f)).Should().BeTrue(f);
        foreach (var f in new[] { "embedding.csv", "embedding.svg" }) File.Exists(Path.Combine(run, "codes", f)).Should().BeTrue(f);
        var robustness = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "robustness", "results.json")))!;
        robustness["schema"]!.GetValue<string>().Should().Be("bottleneck/robustness/v1");
        robustness["rows"]!.AsArray().Should().HaveCount(4, "2 noise and 2 occlusion levels");
        robustness["settings"]!["checkpoint"]!.GetValue<string>().Should().EndWith(Path.Combine("final", "model.safetensors"));
        var embed = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "codes", "results.json")))!;
        (embed["schema"]!.GetValue<string>(), embed["method"]!.GetValue<string>(), embed["samples"]!.GetValue<int>()).Should().Be(("bottleneck/embed/v1", "pca", 200));

        // The pipeline's results.json lists every phase, and the studies' files.
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!;
        results["status"]!.GetValue<string>().Should().Be("completed");
        var listed = results["phases"]!.AsArray();
        listed.Select(p => p!["name"]!.GetValue<string>()).Should().Equal(phases);
        listed[2]!["model_of"]!.GetValue<string>().Should().Be("final");
        listed[2]!["files"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Contain(["robustness.csv", "noise.svg", "occlusion.svg", "results.json", "report.html"]);
        listed[3]!["files"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Contain(["embedding.csv", "embedding.svg", "results.json", "report.html"]);

        // Its report has a section per phase, linking each phase's page and the studies' files.
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Regex.Matches(html, "<section id=\"phase-[^\"]*\" class=\"phase\">").Count.Should().Be(phases.Length, html);
        foreach (var phase in phases)
        {
            html.Should().Contain($"<section id=\"phase-{phase}\" class=\"phase\">");
            html.Should().Contain($"href=\"{phase}/report.html\"");
        }
        html.Should().Contain("href=\"robustness/noise.svg\"").And.Contain("href=\"codes/embedding.svg\"").And.Contain("model of final");
        html.Should().Contain("validation loss (mean ± std over folds)", "the tune phase's trials table is on the study's page too");
    }

    [Fact]
    public void A_robustness_phase_compares_a_plain_and_a_denoising_model_on_one_chart()
    {
        const string pipeline = """
            dataset: digits
            model: dense
            code-size: 8
            batch-size: 64
            epochs: 3
            seed: 0
            phases:
              - name: plain
                train: {}
              - name: denoising
                train: {denoise: "noise:0.3+occlusion:0.1"}
              - name: robustness
                robustness: {noise: "0,0.5", occlusion: "0.5", samples: 100, use_model_of: [plain, denoising]}
            """;
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run");
        File.WriteAllText(file, pipeline);
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        result.ExitCode.Should().Be(0, result.ToString());
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "denoising", "results.json")))!["settings"]!["denoise"]!.GetValue<string>()
            .Should().Be("noise:0.3+occlusion:0.1");
        var robustness = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "robustness", "results.json")))!;
        robustness["models"]!.AsArray().Select(m => m!["label"]!.GetValue<string>()).Should().Equal("plain", "denoising");
        robustness["rows"]!.AsArray().Should().HaveCount(6, "3 levels for each of 2 models");

        // A rerun keeps the phase while neither model changed.
        var again = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardOutput.Should().Contain("robustness of this model already done with these settings; kept");
    }

    [Fact]
    public void An_anomaly_phase_runs_the_one_class_protocol_and_is_kept_on_a_rerun()
    {
        const string pipeline = """
            dataset: digits
            model: dense
            code-size: 6
            batch-size: 32
            epochs: 5
            seed: 0
            phases:
              - name: oneclass
                anomaly: {normal-class: "1,4", repeat: 2}
            """;
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run");
        File.WriteAllText(file, pipeline);
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        result.ExitCode.Should().Be(0, result.ToString());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "oneclass", "results.json")))!;
        json["schema"]!.GetValue<string>().Should().Be("bottleneck/anomaly/v1");
        json["classes"]!.AsArray().Select(c => c!["class"]!.GetValue<int>()).Should().Equal(1, 4);
        json["settings"]!["repeats"]!.GetValue<int>().Should().Be(2);
        File.ReadAllText(Path.Combine(run, "report.html")).Should().Contain("href=\"oneclass/report.html\"");
        var again = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardOutput.Should().Contain("kept");
        var bad = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(60), "run", WriteFile("bad.yaml", pipeline.Replace("1,4", "1,x")), "--out", Path.Combine(_dir, "bad"));
        Refused(bad, [2]).Should().Contain("normal-class");
    }

    [Fact]
    public void Encode_and_generate_phases_study_a_variational_train_phase()
    {
        const string pipeline = """
            dataset: digits
            model: vae-dense
            code-size: 2
            hidden: 32
            loss: bce
            batch-size: 64
            epochs: 3
            seed: 0
            phases:
              - name: vae
                train: {}
              - name: codes
                encode: {samples: 50}
              - name: samples
                generate: {samples: 9, pairs: 2, steps: 4, grid: 5}
            """;
        string file = WriteFile("pipe.yaml", pipeline), run = Path.Combine(_dir, "run");
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("== phase codes (encode of vae) ==").And.Contain("== phase samples (generate of vae) ==");
        File.ReadAllLines(Path.Combine(run, "codes", "codes.csv")).Count(l => l.Length > 0).Should().Be(51);
        foreach (var f in new[] { "samples.png", "interpolations.png", "manifold.png", "results.json" })
            File.Exists(Path.Combine(run, "samples", f)).Should().BeTrue(f);
        var listed = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["phases"]!.AsArray();
        listed.Select(p => p!["kind"]!.GetValue<string>()).Should().Equal("train", "encode", "generate");
    }

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_rerun_keeps_finished_phases_and_redoes_them_when_their_settings_or_model_change()
    {
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run");
        string model = Path.Combine(run, "final", "model.safetensors");
        string[] studies = [Path.Combine(run, "noise", "results.json"), Path.Combine(run, "codes", "results.json")];
        const string pipeline = """
            dataset: digits
            model: dense
            hidden: 16
            code-size: 4
            seed: 0
            phases:
              - name: final
                train: {epochs: 2}
              - name: noise
                robustness: {noise: "0,1", occlusion: "0", samples: 50, use_model_of: final}
              - name: codes
                embed: {method: pca, samples: 100, use_model_of: final}
            """;
        File.WriteAllText(file, pipeline);
        BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run).ExitCode.Should().Be(0);
        byte[] first = File.ReadAllBytes(model);
        var written = new[] { model }.Concat(studies).Select(File.GetLastWriteTimeUtc).ToList();

        var again = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardOutput.Should().Contain("final: model already trained with these settings").And.NotContain("epoch 1/2")
            .And.Contain("robustness of this model already done with these settings; kept")
            .And.Contain("embed of this model already done with these settings; kept");
        new[] { model }.Concat(studies).Select(File.GetLastWriteTimeUtc).Should().Equal(written, "finished phases are kept, not written again");
        var listed = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["phases"]!.AsArray();
        listed[2]!["trustworthiness"]!.GetValue<double>().Should().BeInRange(0, 1, "a kept phase still reports its numbers");

        File.WriteAllText(file, pipeline.Replace("samples: 50", "samples: 60"));
        var robustnessChanged = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        robustnessChanged.ExitCode.Should().Be(0, robustnessChanged.ToString());
        robustnessChanged.StandardOutput.Should().NotContain("robustness of this model already done").And.Contain("embed of this model already done");
        JsonNode.Parse(File.ReadAllText(studies[0]))!["settings"]!["samples"]!.GetValue<int>().Should().Be(60);

        File.WriteAllText(file, pipeline.Replace("samples: 50", "samples: 60").Replace("epochs: 2", "epochs: 3"));
        var changed = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        changed.ExitCode.Should().Be(0, changed.ToString());
        changed.StandardOutput.Should().NotContain("already").And.Contain("epoch 3/3");
        File.ReadAllBytes(model).Should().NotEqual(first, "three epochs give other weights than two");
    }

    [Fact]
    public void An_interrupted_train_phase_goes_on_from_its_last_finished_epoch_and_lands_on_the_uninterrupted_weights()
    {
        const string pipeline = """
            dataset: digits
            model: dense
            hidden: 256,256
            code-size: 8
            seed: 4
            threads: 1
            phases:
              - name: final
                train: {epochs: 200, lr: 3e-3}
            """;
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run"), fresh = Path.Combine(_dir, "fresh");
        File.WriteAllText(file, pipeline);
        string state = Path.Combine(run, "final", Bottleneck.Runs.TrainRun.StateFile);
        using (var process = BottleneckProcess.Start(_dir, "run", file, "--out", run))
        {
            process.WaitUntil(_ => File.Exists(state), TimeSpan.FromSeconds(60)).Should().BeTrue(process.StandardErrorSoFar);
            process.Signal("TERM");
            var interrupted = process.WaitForExit(TimeSpan.FromSeconds(30));
            interrupted.ExitCode.Should().Be(1, interrupted.ToString());
            AssertNoStackTrace(interrupted);
        }
        int saved = Bottleneck.Training.TrainingStateFile.Load(state).State.Epoch;
        saved.Should().BeInRange(1, 199, "the run was stopped part-way");

        var resumed = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(180), "run", "--resume", run);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        resumed.StandardOutput.Should().Contain($"epoch {saved + 1}/200").And.Contain("epoch 200/200").And.NotContain($"epoch {saved}/200", "finished epochs are not trained again");
        BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(180), "run", file, "--out", fresh).ExitCode.Should().Be(0);
        File.ReadAllBytes(Path.Combine(run, "final", "model.safetensors")).Should().Equal(File.ReadAllBytes(Path.Combine(fresh, "final", "model.safetensors")),
            "a resumed phase gives the bits of an uninterrupted one");
    }
}
