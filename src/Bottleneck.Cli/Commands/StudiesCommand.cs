using System.CommandLine;
using System.Globalization;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;
using Bottleneck.Search;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck studies</c>: the studies of a shared storage with their progress and live workers; <c>studies show NAME</c>:
/// one study's ranked table, written as the usual run directory and report from the database.
/// </summary>
public static class StudiesCommand
{
    public static Command Create()
    {
        var storage = Storage();
        var command = new Command("studies", "List the studies in a shared storage: trials done, running, failed and left, the best so far, live workers")
        {
            storage, Show(),
        };
        command.SetAction(parsed =>
        {
            var where = StorageOf(parsed, storage);
            var studies = StudiesRun.List(where);
            if (studies.Count == 0)
            {
                Console.WriteLine($"no study in {where}");
                return Cli.Success;
            }
            var table = new Table().Border(TableBorder.Simple).Title($"studies in {Markup.Escape(where.Display)}");
            foreach (string column in new[] { "study", "kind", "dataset", "done", "running", "failed", "left", "best score", "best trial", "live workers" })
                table.AddColumn(column);
            foreach (var s in studies)
                table.AddRow([.. new[]
                {
                    s.Name, s.Kind.ToString().ToLowerInvariant(), s.Dataset, $"{s.Done}/{s.Trials}", Count(s.Running), Count(s.Failed), Count(s.Left),
                    s.Best is { } b ? b.Score.ToString("0.000000", CultureInfo.InvariantCulture) : "—", s.Best?.Params.ToString() ?? "—", Count(s.LiveWorkers.Count),
                }.Select(Markup.Escape)]);
            AnsiConsole.Write(table);
            return Cli.Success;
        });
        return command;
    }

    private static Command Show()
    {
        var storage = Storage();
        var name = new Argument<string>("name") { Description = "The study (as bottleneck studies lists it)" };
        var top = new Option<int>("--top") { Description = "Rows of the printed table", DefaultValueFactory = _ => 5 };
        var output = CommonOptions.Out();
        var command = new Command("show", "Print a study's ranked trials and write its run directory (trials.csv, charts, results.json, report.html)")
        {
            name, storage, top, output,
        };
        command.SetAction(parsed =>
        {
            var settings = new StudyShowSettings(StorageOf(parsed, storage), parsed.GetValue(name)!);
            var result = StudiesRun.Show(settings, CommonOptions.Context(parsed, output, SilentObserver.Instance, CancellationToken.None));
            StudyTable.Print(result.Study, result.Trials, parsed.GetValue(top));
            Console.WriteLine($"results: {result.Directory}");
            return Cli.Success;
        });
        return command;
    }

    private static Option<string?> Storage() => CommonOptions.Storage("The storage holding the studies");

    private static StudyStorage StorageOf(ParseResult parsed, Option<string?> storage) =>
        StudyStorage.FromSettingOrEnvironment(parsed.GetValue(storage))
        ?? throw new UsageException($"give the storage with --storage URL (or ${StudyStorage.EnvironmentVariable})");

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
