using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace Bottleneck.Tests.Examples;

/// <summary>
/// The README's "Use from C#" program is examples/UseFromCSharp/Program.cs word for word, and that program (built with
/// the solution, in the tests' configuration) trains, encodes, saves and loads as it says.
/// </summary>
public sealed class UseFromCSharpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-example-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private static string Program => File.ReadAllText(Path.Combine(Repository.Root, "examples", "UseFromCSharp", "Program.cs"));

    [Fact]
    public void The_readme_shows_the_example_program_exactly()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        readme.Should().Contain("```csharp\n" + Program.TrimEnd() + "\n```", "the README's code is the program the next test runs");
    }

    [Fact]
    public async Task The_example_trains_encodes_saves_and_loads_a_model()
    {
        // The configuration this test assembly was built in (Debug or Release) is the one the example was built in.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string program = Path.Combine(Repository.Root, "examples", "UseFromCSharp", "bin", configuration, "net10.0", "UseFromCSharp.dll");
        File.Exists(program).Should().BeTrue($"the solution builds the example ({program})");

        var info = new ProcessStartInfo(Cli.BottleneckProcess.DotnetHost(), [program]) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromSeconds(120)).Should().BeTrue();

        process.ExitCode.Should().Be(0, await error);
        var mse = Regex.Match(output, @"test MSE after 30 epochs: (\d\.\d{5}) \(predicting the mean sample: (\d\.\d{5})\)");
        mse.Success.Should().BeTrue(output);
        double model = double.Parse(mse.Groups[1].Value, CultureInfo.InvariantCulture), mean = double.Parse(mse.Groups[2].Value, CultureInfo.InvariantCulture);
        model.Should().BeLessThan(mean / 2, "two numbers describe each sample, so a 4-D code learns far more than the mean");
        output.Should().MatchRegex(@"code of the first test sample: \[(-?\d+\.\d{3}, ){3}-?\d+\.\d{3}\]").And.Contain("loaded model gives the same codes: True");
        File.Exists(Path.Combine(_dir, "mine.safetensors")).Should().BeTrue();
    }
}
