using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bottleneck.Optimizers;
using Bottleneck.Reports;
using Bottleneck.Search;
using Bottleneck.Tests.Cli;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

/// <summary>
/// report.html for each results schema: run directories made by the real commands (digits, 2 epochs)
/// or written as fixture files, checked for what the page promises: parseable markup, every SVG
/// inline, every PNG as a data: URI, the command, the key numbers, and nothing fetched from the network.
/// </summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-html-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Optimizers_report_shows_the_ranking_and_inlines_both_charts()
    {
        string run = RunCommand("optimizers", "--epochs", "2");

        var (html, results) = AssertSelfContainedReport(run);

        html.Should().Contain("<h1>Optimizer study</h1>");
        var ranking = results["ranking"]!.AsArray();
        ranking.Should().HaveCount(4);
        foreach (var row in ranking)
        {
            string name = OptimizerSettings.DisplayName(row!["optimizer"]!.GetValue<string>());
            var match = Regex.Match(html, $@"<td class=""num"">{row["rank"]}</td><td>{name}</td><td class=""num"">([^<]+)</td>");
            match.Success.Should().BeTrue($"the ranking table has {row["optimizer"]} ranked {row["rank"]}");
            Parse(match.Groups[1].Value).Should().BeApproximately(row["mean_test_mse"]!.GetValue<double>(), 1e-3 * row["mean_test_mse"]!.GetValue<double>(),
                "one run shows its test MSE alone, to 4 significant digits");
        }
        Directory.GetFiles(run, "*.svg").Should().HaveCount(2);
        html.Should().NotContain("Keras (published)", "two epochs are not study A's protocol");
    }

    [Fact]
    public void Study_A_report_puts_the_published_figures_beside_its_own_as_the_command_line_does()
    {
        string run = RunCommand("optimizers");

        var (html, results) = AssertSelfContainedReport(run);

        html.Should().Contain("<th>Keras (published)</th><th>PyTorch 1.13</th>");
        foreach (var (optimizer, reference) in StudyAReference.TestMse)
        {
            string name = OptimizerSettings.DisplayName(optimizer);
            html.Should().MatchRegex($@"<td>{name}</td><td class=""num"">[^<]+</td><td class=""num"">{Regex.Escape(NumberText.Significant(reference.Keras, 4))}</td>" +
                                     $@"<td class=""num"">{Regex.Escape(NumberText.Significant(reference.PyTorch, 4))}</td>");
            results["published"]![optimizer]!["keras"]!.GetValue<double>().Should().Be(reference.Keras);
        }
        html.Should().Contain("<th>test MSE of predicting the mean training sample</th>");
    }

    [Fact]
    public void Train_report_shows_test_mse_speed_and_parameters_and_inlines_the_reconstructions()
    {
        string run = RunCommand("train", "--dataset", "digits", "--model", "dense", "--epochs", "2");

        var (html, results) = AssertSelfContainedReport(run);

        html.Should().Contain("<h1>Training run</h1>");
        double mse = results["test_mse"]!.GetValue<double>(), speed = results["images_per_second"]!.GetValue<double>();
        Parse(Cell(html, "test MSE")).Should().BeApproximately(mse, 1e-5 * mse);
        Parse(Cell(html, "images per second")).Should().BeApproximately(speed, 1e-3 * speed);
        html.Should().Contain($"<th>parameters</th><td>{results["model"]!["parameters"]!.GetValue<long>():N0}</td>");
        Regex.Matches(html, "data:image/png;base64,").Should().HaveCount(1, "reconstructions.png is the one image");
        html.Should().Contain("<details><summary>Settings (from results.json)</summary>");
    }

    [Fact]
    public void Tune_report_shows_trials_with_mean_and_std_and_the_best_params()
    {
        string run = RunCommand("tune", "--dataset", "digits", "--model", "dense", "--grid", "lr=1e-2,1e-5", "--epochs", "2", "--folds", "2");

        var (html, results) = AssertSelfContainedReport(run);

        html.Should().Contain("<h1>Hyperparameter search (tune)</h1>");
        // Settings read as on the command line, not as .NET prints doubles (1E-05).
        var written = new Dictionary<double, string> { [0.01] = "0.01", [1e-5] = "1e-5" };
        string bestLr = written[results["best"]!["params"]!["lr"]!.GetValue<double>()];
        html.Should().Contain($"<th>best parameters</th><td>lr={bestLr}</td>").And.NotContain("E-05");
        var trials = results["trials"]!.AsArray();
        trials.Should().HaveCount(2);
        foreach (var t in trials)
        {
            string lr = written[t!["params"]!["lr"]!.GetValue<double>()];
            var match = Regex.Match(html, $@"<td class=""num"">{t["rank"]}</td><td>{Regex.Escape(lr)}</td><td>completed</td>" +
                                          @"<td class=""num"">([^<]+) ± ([^<]+)</td><td class=""num"">([^<]+) ± ([^<]+)</td>");
            match.Success.Should().BeTrue($"trial {t["rank"]} is a row with its train and validation loss, each mean ± std");
            double train = t["mean_train_loss"]!.GetValue<double>(), mean = t["mean_val_loss"]!.GetValue<double>(), std = t["std_val_loss"]!.GetValue<double>();
            Parse(match.Groups[1].Value).Should().BeApproximately(train, 1e-3 * train);
            Parse(match.Groups[3].Value).Should().BeApproximately(mean, 1e-3 * mean);
            Parse(match.Groups[4].Value).Should().BeApproximately(std, 0.05 * std + 1e-12, "std shows 2 significant digits");
        }
        // Times to the second.
        Regex.IsMatch(html, @"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d<").Should().BeTrue("the header gives the start time to the second");
    }

    [Fact]
    public void Halving_report_states_the_epochs_saved_and_the_verification()
    {
        string run = RunCommand("tune", "--dataset", "digits", "--model", "dense", "--grid", "lr=1e-1,1e-2,1e-3,1e-4", "--epochs", "4",
                                "--folds", "2", "--pruner", "halving", "--eta", "2", "--verify");

        var (html, results) = AssertSelfContainedReport(run);

        int trained = results["epochs_trained"]!.GetValue<int>(), full = results["full_grid_epochs"]!.GetValue<int>();
        trained.Should().BeLessThan(full);
        html.Should().Contain($"<th>pruning</th><td>{trained} of the full grid&#39;s {full} epochs trained (");
        bool found = results["verification"]!["pruned_search_found_it"]!.GetValue<bool>();
        html.Should().Contain(found ? "the pruned search found it" : "the pruned search did not find it");
    }

    [Fact]
    public void Pipeline_report_has_a_section_and_a_link_per_phase()
    {
        string run = Path.Combine(_dir, "pipeline");
        string tune = Path.Combine(run, "tune-lr");
        Directory.CreateDirectory(tune);
        File.WriteAllText(Path.Combine(tune, "results.json"), """{"schema": "bottleneck/study/v1", "status": "completed", "settings": {"kind": "tune"}, "trials": []}""");
        HtmlReport.Write(Path.Combine(run, "tune-lr"));
        File.WriteAllText(Path.Combine(run, "pipeline.yaml"), "phases:\n  - name: tune-lr\n");
        File.WriteAllText(Path.Combine(run, "results.json"), """
            {"schema": "bottleneck/pipeline/v1", "status": "incomplete",
             "provenance": {"command": "bottleneck run study.yaml --out x", "bottleneck_version": "1.0.0"},
             "phases": [{"name": "tune-lr", "kind": "tune", "directory": "tune-lr", "best": {"lr": 0.001}, "score": 0.125},
                        {"name": "final", "kind": "train", "directory": "final", "test_mse": 0.02}]}
            """);

        HtmlReport.Write(run);

        var (html, _) = AssertSelfContainedReport(run);
        html.Should().Contain("<h1>Pipeline</h1>");
        html.Should().Contain("<section id=\"phase-tune-lr\" class=\"phase\">").And.Contain("<section id=\"phase-final\" class=\"phase\">");
        html.Should().Contain("<a href=\"#phase-tune-lr\">tune-lr</a>").And.Contain("<a href=\"tune-lr/report.html\">tune-lr/report.html</a>");
        html.Should().Contain("<th>best parameters</th><td>lr=0.001</td>").And.Contain("<th>test MSE</th><td>0.02</td>");
        html.Should().Contain("<th>status</th><td>not finished</td>", "the final phase has no folder yet");
        html.Should().Contain("<summary>Pipeline (pipeline.yaml)</summary>");
    }

    [Fact]
    public void Unknown_schema_gets_settings_and_a_file_list_with_every_text_escaped()
    {
        string run = Path.Combine(_dir, "unknown");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "results.json"), """
            {"schema": "someone/else/v9", "answer": 42, "note": "<script>alert(1)</script>",
             "provenance": {"command": "bottleneck x --name \"a&b\" <c>"}, "settings": {"label": "x<y & 'z'"}}
            """);
        File.WriteAllText(Path.Combine(run, "chart.svg"), BarChart.Render("A & B", "value", [new Bar("a<b", 1, null)]));
        File.WriteAllBytes(Path.Combine(run, "grid.png"), ImageGrid.Render([new float[64], new float[64]], 8, 8, columns: 2));
        File.WriteAllText(Path.Combine(run, "table.csv"), "a,b\n1,2\n");

        HtmlReport.Write(run);

        var (html, _) = AssertSelfContainedReport(run);
        html.Should().Contain("<h1>Run report</h1>");
        html.Should().Contain("<th>answer</th><td>42</td>");
        html.Should().NotContain("<script").And.Contain("&lt;script&gt;alert(1)&lt;/script&gt;");
        html.Should().Contain("bottleneck x --name &quot;a&amp;b&quot; &lt;c&gt;");
        html.Should().Contain("&quot;label&quot;: &quot;x&lt;y &amp; &#39;z&#39;&quot;");
        html.Should().Contain("<a href=\"table.csv\">table.csv</a>");
        html.Should().Contain("<a href=\"chart.svg\">chart.svg</a>").And.Contain("<a href=\"grid.png\">grid.png</a>")
            .And.NotContain("data:image/png", "pictures a run of an unknown kind left are listed, not shown");
    }

    [Fact]
    public void Robustness_and_embed_reports_summarise_their_numbers_and_caption_the_example_grids()
    {
        string model = Path.Combine(RunCommand("train", "--dataset", "digits", "--model", "dense", "--epochs", "2"), "model.safetensors");
        string robustness = RunCommand("robustness", "--checkpoint", model, "--samples", "40", "--noise", "0,0.5", "--occlusion", "0.25");
        string embed = RunCommand("embed", "--checkpoint", model, "--samples", "60", "--perplexity", "10");

        var (html, results) = AssertSelfContainedReport(robustness);
        html.Should().Contain("<h1>Robustness to noise and occlusion</h1>").And.Contain("<td>digits, the first 40 test images</td>");
        foreach (var row in results["rows"]!.AsArray())
        {
            string level = NumberText.Significant(row!["level"]!.GetValue<double>(), 4);
            string mean = NumberText.Significant(row["mse_mean"]!.GetValue<double>(), 4);
            html.Should().MatchRegex($@"<tr><td>{row["corruption"]}</td><td class=""num"">{Regex.Escape(level)}</td><td class=""num"">{Regex.Escape(mean)} ± [^<]+</td>");
        }
        html.Should().Contain("noise-examples.png</a>: for each example image, rows clean, corrupted and reconstructed; columns noise levels 0, 0.5")
            .And.Contain("occlusion-examples.png</a>: for each example image, rows clean, corrupted and reconstructed; columns occlusion levels 0.25");

        (html, results) = AssertSelfContainedReport(embed);
        html.Should().Contain("<h1>Map of the code space (t-SNE)</h1>")
            .And.Contain("<th>method</th><td>t-SNE (exact), perplexity 10</td>")
            .And.Contain($"<th>KL divergence</th><td>{NumberText.Significant(results["kl_divergence"]!.GetValue<double>(), 4)}</td>")
            .And.Contain($"<th>5-NN accuracy of the codes</th><td>{NumberText.Significant(results["knn_accuracy"]!.GetValue<double>(), 4)}</td>")
            .And.Contain("<td>digits, the first 60 test images</td>");
    }

    [Fact]
    public void Missing_or_invalid_results_json_names_the_file()
    {
        string run = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(run);
        var missing = () => HtmlReport.Build(run);
        missing.Should().Throw<ReportSourceException>().WithMessage($"*{Path.Combine(run, "results.json")} does not exist*");

        File.WriteAllText(Path.Combine(run, "results.json"), "{ not json");
        var invalid = () => HtmlReport.Build(run);
        invalid.Should().Throw<ReportSourceException>().WithMessage("*results.json is not valid JSON*");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private string RunCommand(params string[] args)
    {
        string outDir = Path.Combine(_dir, args[0]);
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), [.. args, "--out", outDir]);
        result.ExitCode.Should().Be(0, result.ToString());
        return outDir;
    }

    /// <summary>What every report promises, whatever its schema; returns the page and the parsed results.json.</summary>
    public static (string Html, JsonObject Results) AssertSelfContainedReport(string run)
    {
        string path = Path.Combine(run, "report.html");
        File.Exists(path).Should().BeTrue($"{path} is written");
        string html = File.ReadAllText(path);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!.AsObject();

        // Well-formed: after the doctype, the page parses as XML.
        html.Should().StartWith("<!DOCTYPE html>\n");
        var root = XDocument.Parse(html["<!DOCTYPE html>\n".Length..]).Root!;
        root.Name.LocalName.Should().Be("html");
        root.Element("body").Should().NotBeNull();

        // Every figure the run's kind draws is inline, verbatim; nothing else draws an <svg>. A schema Bottleneck does
        // not know has no figures of its own, so its pictures are only listed.
        var kind = ReportKinds.Find(results["schema"]?.GetValue<string>());
        bool Figure(string file) => kind?.Figures.Contains(Path.GetFileName(file)) == true;
        var svgs = Directory.GetFiles(run, "*.svg").Where(Figure).ToList();
        Regex.Matches(html, "<svg ").Should().HaveCount(svgs.Count);
        foreach (var svg in svgs) html.Should().Contain(File.ReadAllText(svg).Trim(), $"{Path.GetFileName(svg)} is inlined");
        foreach (var png in Directory.GetFiles(run, "*.png").Where(Figure))
            html.Should().Contain("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(png)), $"{Path.GetFileName(png)} is inlined");

        if (results["provenance"]?["command"]?.GetValue<string>() is { } command)
        {
            html.Should().Contain($"<pre class=\"command\"><code>{Escape(command)}</code></pre>");
            html.Should().Contain($"<title>");
        }

        // Self-contained: the SVG namespace is the only URL, and nothing is loaded.
        string withoutNamespace = html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        withoutNamespace.Should().NotContain("http://").And.NotContain("https://").And.NotContain("<script").And.NotContain("<link");
        root.Descendants().Where(e => e.Name.LocalName == "img").Select(e => e.Attribute("src")!.Value)
            .Should().NotContain(src => !src.StartsWith("data:image/png;base64,"));
        return (html, results);
    }

    private static double Parse(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The value beside a row heading of a key-value table.</summary>
    private static string Cell(string html, string heading)
    {
        var match = Regex.Match(html, $"<th>{Regex.Escape(heading)}</th><td>([^<]*)</td>");
        match.Success.Should().BeTrue($"the summary has a row '{heading}'");
        return match.Groups[1].Value;
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
}
