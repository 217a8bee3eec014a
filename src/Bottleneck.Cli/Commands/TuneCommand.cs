using System.CommandLine;
using Bottleneck.Search;

namespace Bottleneck.Cli.Commands;

/// <summary><c>bottleneck tune</c>: grid or random search with k-fold cross-validation (study B, phase 1).</summary>
public static class TuneCommand
{
    public static Command Create()
    {
        var study = new StudyOptions(StudyKind.Tune);
        var grid = new Option<string?>("--grid") { Description = "Every combination, e.g. \"lr=5e-2,1e-2,5e-3;weight-decay=5e-4,1e-4\"" };
        var random = new Option<string?>("--random") { Description = "Random draws, e.g. \"lr=loguniform(1e-4,5e-2);optimizer=choice(adam,rmsprop)\"" };
        var trials = new Option<int>("--trials") { Description = "Number of random trials", DefaultValueFactory = _ => 20 };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds of the training set", DefaultValueFactory = _ => 3 };
        var command = new Command("tune", "Search hyperparameters with k-fold cross-validation; rank by mean validation loss") { grid, random, trials, folds };
        study.AddTo(command);
        command.SetAction(parsed => study.Execute(parsed, "tune",
            settings => (parsed.GetValue(grid), parsed.GetValue(random)) switch
            {
                ({ } g, null) => SearchSpace.Grid(g),
                (null, { } r) => SearchSpace.Random(r, parsed.GetValue(trials), settings.Seed),
                (null, null) => throw new UsageException("give the search space with --grid or --random (or continue a study with --resume DIR)"),
                _ => throw new UsageException("give --grid or --random, not both"),
            },
            settings => settings with { Folds = parsed.GetValue(folds) }));
        return command;
    }
}
