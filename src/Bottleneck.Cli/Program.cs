using System.CommandLine;
using System.CommandLine.Help;
using Bottleneck.Cli;
using Bottleneck.Cli.Commands;
using Bottleneck.Cli.Output;

// A plain command named "bottleneck" rather than a RootCommand, which would name itself after the
// assembly (Bottleneck.Cli) in every usage line; it gets the root's --help and --version by hand.
var root = new Command("bottleneck", "Bottleneck: train, tune and study autoencoders on the CPU.")
{
    new HelpOption(),
    new VersionOption(),
    OptimizersCommand.Create(),
    TrainCommand.Create(),
    EncodeCommand.Create(),
    EmbedCommand.Create(),
    DatasetsCommand.Create(),
    TuneCommand.Create(),
    SweepCommand.Create(),
    WorkerCommand.Create(),
    StudiesCommand.Create(),
    RunCommand.Create(),
    RobustnessCommand.Create(),
    AnomalyCommand.Create(),
    GenerateCommand.Create(),
    ReportCommand.Create(),
    ExportCommand.Create(),
};
ConsoleObserver.ConfigureConsole();
return Cli.Run(root, args);
