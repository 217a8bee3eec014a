using System.CommandLine;
using Bottleneck.Cli.Output;
using Bottleneck.Runs;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck run FILE.yaml</c>: every phase of a pipeline in order, each in its own folder of the run directory,
/// the best parameters of each phase feeding the phases that use them. Running it again with the same --out resumes.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "The pipeline (YAML), e.g. examples/study-b-quick.yaml", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "Continue the pipeline in this run directory (its pipeline.yaml), as tune --resume does" };
        var dataDir = DataOptions.DataDir();
        var outDir = CommonOptions.Out();
        var jobs = new Option<int?>("--jobs") { Description = "Trials in parallel (overrides the file)" };
        var threads = new Option<int?>("--threads") { Description = "Threads in all (overrides the file)" };
        var storage = CommonOptions.Storage("Keep the tune and sweep phases' trials in a storage shared with workers (studies NAME/PHASE)");
        var study = new Option<string?>("--study") { Description = "With --storage: the NAME of the phases' studies NAME/PHASE (default: the run directory's name)" };
        var command = new Command("run", "Run a whole study from a pipeline file (tune → sweep → train → robustness, embed), resumable")
        {
            file, resume, dataDir, outDir, jobs, threads, storage, study,
        };
        command.SetAction(parsed =>
        {
            string? dir = parsed.GetValue(resume);
            if ((parsed.GetValue(file) is null) == (dir is null)) throw new UsageException("give a pipeline file, or --resume DIR to continue one (not both)");
            if (dir is not null && parsed.GetValue(outDir) is not null) throw new UsageException("--resume DIR continues that directory; leave --out out");
            string path = parsed.GetValue(file) ?? Path.Combine(dir!, PipelineRun.PipelineFile);
            if (dir is not null && !File.Exists(path)) throw new UsageException($"--resume {dir}: no {PipelineRun.PipelineFile} there; give the run directory of a pipeline");
            var shared = StudyStorage.FromSettingOrEnvironment(parsed.GetValue(storage));
            if (parsed.GetValue(study) is not null && shared is null) throw new UsageException("--study names the studies in a shared --storage: give --storage too");
            var settings = new PipelineRunSettings(path, parsed.GetValue(dataDir), parsed.GetValue(jobs), parsed.GetValue(threads))
            {
                Storage = shared,
                StudyName = parsed.GetValue(study),
            };
            using var interrupt = new Interrupt();
            var result = ConsoleObserver.Run(observer =>
                PipelineRun.Execute(settings, CommonOptions.Context(parsed, outDir, observer, interrupt.Token) with { Out = dir ?? parsed.GetValue(outDir) }));
            Console.WriteLine($"results: {result.Directory}");
            if (result.Stopped is not { } stop) return Cli.Success;
            Console.Error.WriteLine(stop.Reason switch
            {
                PipelineStop.Cancelled => $"error: interrupted in phase {stop.Phase.Name}; finished phases, folds and trials are saved: " +
                                          $"bottleneck run --resume {CommonOptions.ShellQuoted(result.Directory)} continues",
                PipelineStop.Diverged => $"error: phase {stop.Phase.Name} diverged; try a smaller lr in the pipeline file",
                _ => $"error: phase {stop.Phase.Name} has no completed trial, so the phases after it cannot start",
            });
            return Cli.Failed;
        });
        return command;
    }
}
