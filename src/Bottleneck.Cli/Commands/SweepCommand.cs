using System.CommandLine;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck sweep</c>: one setting over a list of values, each trained on the full training set (study B, phase 2).</summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var study = new StudyOptions(StudyKind.Sweep);
        var param = new Option<string?>("--param") { Description = "The setting and its values, e.g. \"code-size=2,4,6,8,10,12,15,20,25,30\"" };
        var score = new Option<string>("--score") { Description = "last:K (mean test loss of the last K epochs) or best", DefaultValueFactory = _ => "last:5" };
        var command = new Command("sweep", "Train once per value of one setting on the full training set; score by test loss") { param, score };
        study.AddTo(command);
        command.SetAction(parsed => study.Execute(parsed, "sweep",
            _ =>
            {
                string spec = parsed.GetValue(param) ?? throw new UsageException("give the setting to sweep with --param (or continue a sweep with --resume DIR)");
                var trials = SearchSpace.Grid(spec);
                if (trials[0].Values.Count != 1) throw new UsageException("--param sweeps one setting; use tune --grid for several");
                return trials;
            },
            settings => ParseScore(parsed.GetValue(score)!, settings)));
        return command;
    }

    private static StudySettings ParseScore(string text, StudySettings settings)
    {
        if (text == "best") return settings with { ScoreBest = true };
        if (text.StartsWith("last:", StringComparison.Ordinal) && int.TryParse(text[5..], out int k) && k >= 1) return settings with { LastEpochs = k };
        throw new UsageException($"--score must be last:K or best, got '{text}'");
    }
}
