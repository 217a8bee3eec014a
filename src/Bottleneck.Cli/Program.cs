using System.CommandLine;
using Bottleneck.Cli;
using Bottleneck.Cli.Commands;
using Bottleneck.Cli.Output;

var root = new RootCommand("Bottleneck: train, tune and study autoencoders on the CPU.")
{
    OptimizersCommand.Create(),
    TrainCommand.Create(),
    EmbedCommand.Create(),
    DatasetsCommand.Create(),
    TuneCommand.Create(),
    SweepCommand.Create(),
    RunCommand.Create(),
    RobustnessCommand.Create(),
    ReportCommand.Create(),
};
TrainingDisplay.ConfigureConsole();
return Cli.Run(root, args);
