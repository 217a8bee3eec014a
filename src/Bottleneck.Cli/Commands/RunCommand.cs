using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Search;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck run FILE.yaml</c>: every phase of a pipeline in order, each in its own folder of the
/// run directory, the best parameters of each phase feeding the phases that use them. Running it
/// again with the same --out resumes: finished trials and phases are read back, not redone.
/// </summary>
public static class RunCommand
{
    public const string Schema = HtmlReport.PipelineSchema;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The pipeline (YAML), e.g. examples/study-b-quick.yaml" };
        var dataDir = DataOptions.DataDir();
        var outDir = CommonOptions.Out();
        var jobs = new Option<int?>("--jobs") { Description = "Trials in parallel (overrides the file)" };
        var threads = new Option<int?>("--threads") { Description = "Threads in all (overrides the file)" };
        var command = new Command("run", "Run a whole study from a pipeline file (tune → sweep → train), resumable") { file, dataDir, outDir, jobs, threads };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(file)!;
            var pipeline = PipelineSpec.Load(path);
            var overrides = new Dictionary<string, string>();
            if (parsed.GetValue(jobs) is { } j) overrides["jobs"] = j.ToString(CultureInfo.InvariantCulture);
            if (parsed.GetValue(threads) is { } t) overrides["threads"] = t.ToString(CultureInfo.InvariantCulture);
            // Every phase's settings and trials are checked before anything runs.
            var plans = new List<(PhaseSpec Phase, Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings Settings, IReadOnlyList<TrialParams> Trials, int? TestLimit)> Plan)>();
            foreach (var phase in pipeline.Phases)
            {
                var plan = Plan(pipeline, phase, overrides);
                plan(new Dictionary<string, TrialParams>());
                plans.Add((phase, plan));
            }
            var started = DateTimeOffset.Now;
            var dir = CommonOptions.CreateRunDirectory(parsed.GetValue(outDir), "run", started);
            File.Copy(path, dir.File("pipeline.yaml"), overwrite: true);
            int threadCount = parsed.GetValue(threads) ?? (pipeline.Shared.TryGetValue("threads", out var shared) ? int.Parse(shared, CultureInfo.InvariantCulture) : Environment.ProcessorCount);
            return Run(plans, parsed.GetValue(dataDir), dir, new Provenance(CommonOptions.CommandLine(parsed), started, threadCount));
        });
        return command;
    }

    private static Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings, IReadOnlyList<TrialParams>, int?)> Plan(
        PipelineSpec pipeline, PhaseSpec phase, IReadOnlyDictionary<string, string> overrides) => bests =>
    {
        var values = new Dictionary<string, string>(pipeline.SettingsFor(phase, bests));
        foreach (var (key, value) in overrides) values[key] = value;
        var kind = phase.Kind == "tune" ? StudyKind.Tune : StudyKind.Sweep;
        var settings = PipelineSpec.ToStudySettings(kind, values);
        settings.Validate();
        IReadOnlyList<TrialParams> trials = phase.Kind switch
        {
            "tune" when values.TryGetValue("grid", out var grid) => SearchSpace.Grid(grid),
            "tune" when values.TryGetValue("random", out var random) =>
                SearchSpace.Random(random, values.TryGetValue("trials", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 20, settings.Seed),
            "tune" => throw new UsageException($"phase {phase.Name}: a tune needs grid or random"),
            "sweep" when values.TryGetValue("param", out var param) => SearchSpace.Grid(param),
            "sweep" => throw new UsageException($"phase {phase.Name}: a sweep needs param"),
            _ => [new TrialParams([])],
        };
        int? testLimit = values.TryGetValue("test-limit", out var tl) ? int.Parse(tl, CultureInfo.InvariantCulture) : null;
        return (settings, trials, testLimit);
    };

    private static int Run(List<(PhaseSpec Phase, Func<IReadOnlyDictionary<string, TrialParams>, (StudySettings Settings, IReadOnlyList<TrialParams> Trials, int? TestLimit)> Plan)> plans,
                           string? dataDir, RunDirectory dir, Provenance provenance)
    {
        var bests = new Dictionary<string, TrialParams>();
        var summary = new JsonArray();
        foreach (var (phase, plan) in plans)
        {
            var (settings, trials, testLimit) = plan(bests);
            var (train, test) = DataOptions.Load(settings.Dataset, dataDir, settings.Limit, settings.Seed, testLimit);
            var phaseDir = CommonOptions.CreateRunDirectory(dir.File(phase.Name), phase.Name, DateTimeOffset.Now);
            Console.WriteLine($"== phase {phase.Name} ({phase.Kind}) ==");
            if (phase.Kind == "train")
            {
                var outcome = TrainPhase(settings, train, test, phaseDir, provenance);
                summary.Add(new JsonObject { ["name"] = phase.Name, ["kind"] = phase.Kind, ["settings"] = settings.ToJson(), ["test_mse"] = Json.Number(outcome.TestMse), ["directory"] = phase.Name });
                if (outcome.Training.Status != RunStatus.Completed) return Finish(dir, summary, provenance, failed: true);
                continue;
            }
            StudyCommand.Check(settings, trials, train, test);
            var result = StudyCommand.RunStudy(phase.Name, settings, trials, train, test, new SqliteStudyStore(phaseDir.File(StudyCommand.StoreFile)),
                                               phaseDir, provenance, verify: false, top: 5);
            summary.Add(new JsonObject
            {
                ["name"] = phase.Name, ["kind"] = phase.Kind, ["directory"] = phase.Name,
                ["best"] = result.Best?.Params.ToJson(), ["score"] = result.Best is { } b ? Json.Number(b.Score) : null,
            });
            if (result.Cancelled) return Finish(dir, summary, provenance, failed: true);
            if (result.Best is null)
            {
                Console.Error.WriteLine($"error: phase {phase.Name} has no completed trial, so the phases after it cannot start");
                return Finish(dir, summary, provenance, failed: true);
            }
            bests[phase.Name] = result.Best.Params;
            Console.WriteLine($"best of {phase.Name}: {result.Best.Params}");
        }
        return Finish(dir, summary, provenance, failed: false);
    }

    // The final model: the phase's settings with the best parameters folded in, trained on the whole training set.
    private static TrainOutcome TrainPhase(StudySettings settings, Dataset train, Dataset test, RunDirectory dir, Provenance provenance)
    {
        var trainSettings = new TrialRunner(settings, train, test, store: null).SettingsFor(new TrialParams([]), settings.Epochs, settings.Threads)
            with { Seed = settings.Seed };
        trainSettings.Validate();
        var outcome = Output.TrainingDisplay.Run(["final"], trainSettings.Epochs,
            report => ModelTraining.Run(trainSettings, train, test, p => report("final", p)), samplesPerEpoch: train.Count);
        TrainReport.Write(dir, trainSettings, train, test, outcome, provenance);
        Console.WriteLine($"final model: test MSE {outcome.TestMse.ToString("0.000000", CultureInfo.InvariantCulture)}; saved in {dir.File("model.safetensors")}");
        return outcome;
    }

    private static int Finish(RunDirectory dir, JsonArray phases, Provenance provenance, bool failed)
    {
        dir.WriteText("results.json", Json.Serialize(new JsonObject
        {
            ["schema"] = Schema,
            ["status"] = failed ? "incomplete" : "completed",
            ["provenance"] = provenance.ToJson(),
            ["phases"] = phases,
        }));
        // The pipeline's page links each phase's own report.html (written by the phase's report writer).
        HtmlReport.Write(dir);
        Console.WriteLine($"results: {dir.Path}");
        return failed ? Cli.Failed : Cli.Success;
    }
}
