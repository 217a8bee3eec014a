using System.CommandLine;
using Bottleneck.Reports;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck report DIR</c>: rebuilds DIR/report.html from the run directory's files
/// (results.json, charts, images). A directory without a readable results.json is bad input: one line, exit 2.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "A run directory (one with results.json), e.g. runs/train-20260101-120000" };
        var command = new Command("report", "Rebuild a run directory's self-contained report.html from its files") { dir };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(dir)!;
            string written;
            try
            {
                written = HtmlReport.Write(path);
            }
            catch (ReportSourceException e)
            {
                throw new UsageException(e.Message);
            }
            Console.WriteLine($"report: {written}");
            return Cli.Success;
        });
        return command;
    }
}
