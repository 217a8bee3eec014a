using FluentAssertions;
using static Bottleneck.Tests.Cli.CliAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>The program itself: its name in help, its version, and what a mistyped command gets.</summary>
public sealed class ProgramTests : IDisposable
{
    private static readonly string[] Commands = ["optimizers", "train", "encode", "embed", "datasets", "tune", "sweep", "worker", "studies", "run", "robustness", "anomaly", "generate", "report"];

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-program-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Help_names_the_program_bottleneck_and_lists_every_command()
    {
        var result = BottleneckProcess.Run(_dir, "--help");
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("bottleneck [command] [options]").And.NotContain("Bottleneck.Cli");
        foreach (var command in Commands) result.StandardOutput.Should().Contain($"  {command} ", command);
        var train = BottleneckProcess.Run(_dir, "train", "--help");
        train.StandardOutput.Should().Contain("bottleneck train [options]");
    }

    [Fact]
    public void Version_prints_a_version()
    {
        var result = BottleneckProcess.Run(_dir, "--version");
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public void A_mistyped_command_is_named_and_the_commands_are_listed()
    {
        string line = Refused(BottleneckProcess.Run(_dir, "trian", "--epochs", "2"), [2]);
        line.Should().Contain("'trian'").And.Contain("commands: " + string.Join(", ", Commands));
        Refused(BottleneckProcess.Run(_dir), [2]).Should().Contain("commands: ");
    }
}
