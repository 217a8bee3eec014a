using Bottleneck.Tests.Reports;
using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>End-to-end tests of <c>bottleneck report DIR</c>: the real program rebuilding a run directory's report.html.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-report-cli-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Report_rebuilds_the_train_report_byte_for_byte()
    {
        string run = Path.Combine(_dir, "train");
        var train = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "train", "--dataset", "digits", "--model", "dense", "--epochs", "2", "--out", run);
        train.ExitCode.Should().Be(0, train.ToString());
        string report = Path.Combine(run, "report.html");
        byte[] written = File.ReadAllBytes(report);
        File.Delete(report);

        var result = BottleneckProcess.Run(_dir, "report", run);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty();
        result.StandardOutputLines.Should().Equal($"report: {report}");
        File.ReadAllBytes(report).Should().Equal(written, "the page depends only on the run directory's files");
        HtmlReportTests.AssertSelfContainedReport(run);
    }

    [Fact]
    public void Report_of_a_directory_without_results_json_is_one_line_and_exit_2()
    {
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);

        var result = BottleneckProcess.Run(_dir, "report", empty);

        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(Path.Combine(empty, "results.json"));
        AssertNoStackTrace(result);
        File.Exists(Path.Combine(empty, "report.html")).Should().BeFalse();
    }

    [Fact]
    public void Report_of_a_results_json_that_is_not_json_is_one_line_and_exit_2()
    {
        string bad = Path.Combine(_dir, "bad");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "results.json"), "{\"schema\": \"bottleneck/train/v1\",");

        var result = BottleneckProcess.Run(_dir, "report", bad);

        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain("results.json is not valid JSON");
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Report_of_a_missing_directory_is_one_line_and_exit_2()
    {
        var result = BottleneckProcess.Run(_dir, "report", Path.Combine(_dir, "nowhere"));

        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardErrorLines.Should().ContainSingle().Which.Should().Contain("does not exist");
        Directory.Exists(Path.Combine(_dir, "nowhere")).Should().BeFalse("a failed report creates nothing");
    }
}
