using System.CommandLine;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck worker</c>: joins the studies of a shared storage and trains their trials until none is left.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage("The storage holding the studies");
        var study = new Option<string?>("--study") { Description = "Join this study only (default: every unfinished one, oldest first)" };
        var jobs = new Option<int>("--jobs") { Description = "Trials in parallel in this process", DefaultValueFactory = _ => 1 };
        var threads = CommonOptions.Threads();
        var wait = new Option<bool>("--wait") { Description = "Wait for work not there yet: the --study until it exists (leaving once it is finished), or else new studies until stopped (Ctrl-C)" };
        var dataDir = DataOptions.DataDir();
        var grace = CommonOptions.Grace();
        var maxRetries = CommonOptions.MaxRetries();
        var command = new Command("worker", "Join the studies in a shared storage (e.g. PostgreSQL) and train their trials; many workers on many machines share one study")
        {
            storage, study, jobs, threads, wait, dataDir, grace, maxRetries,
        };
        command.SetAction(parsed =>
        {
            var where = StudyStorage.FromSettingOrEnvironment(parsed.GetValue(storage))
                        ?? throw new UsageException($"give the storage with --storage URL (or ${StudyStorage.EnvironmentVariable})");
            var settings = new WorkerSettings(where, parsed.GetValue(study), parsed.GetValue(jobs), parsed.GetValue(threads), parsed.GetValue(wait), parsed.GetValue(dataDir))
            {
                MaxRetries = parsed.GetValue(maxRetries),
                Grace = TimeSpan.FromSeconds(parsed.GetValue(grace)),
            };
            using var interrupt = new Interrupt();
            var result = ConsoleObserver.Run(observer => WorkerRun.Execute(settings, new RunContext(null, CommonOptions.CommandLine(parsed))
            {
                Observer = observer,
                Cancel = interrupt.Token,
            }));
            foreach (var s in result.Studies)
                Console.WriteLine($"{s.Study}: this worker finished {Plural.Count(s.TrialsFinished, "trial")}; {Plural.Count(s.Left, "trial")} left" +
                                  (s.IdleSeconds > 0 ? $"; waited {s.IdleSeconds:0.0} s for other workers' last trials" : ""));
            if (result.Studies.Count == 0) Console.WriteLine($"nothing to do: no unfinished study in {where}");
            if (!result.Cancelled) return Cli.Success;
            Console.Error.WriteLine("error: interrupted; every finished fold is committed, and the trials this worker held go back to the others");
            return Cli.Failed;
        });
        return command;
    }
}
