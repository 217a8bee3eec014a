using FluentAssertions;

namespace Bottleneck.Tests.Cli;

public static class CliAssertions
{
    /// <summary>Whatever went wrong, the user sees sentences, never a .NET stack trace or exception name.</summary>
    public static void AssertNoStackTrace(ProcessResult result)
    {
        result.StandardError.Should().NotContain("   at ", result.ToString()).And.NotContain("Exception", result.ToString());
        result.StandardOutput.Should().NotContain("   at ", result.ToString()).And.NotContain("Exception", result.ToString());
    }

    /// <summary>
    /// A clean refusal: one of the exit codes, exactly one stderr line "error: …" with a reason, no
    /// stack trace, and no file in any of the given folders (those that exist). Returns the line.
    /// </summary>
    public static string Refused(ProcessResult result, int[] exitCodes, params string[] mustStayEmpty)
    {
        result.ExitCode.Should().BeOneOf(exitCodes, result.ToString());
        result.StandardErrorLines.Should().ContainSingle($"a refusal is one line on stderr\n{result}");
        string line = result.StandardErrorLines[0];
        line.Should().StartWith("error: ", result.ToString());
        line["error: ".Length..].Trim().Should().NotBeEmpty();
        AssertNoStackTrace(result);
        foreach (var folder in mustStayEmpty.Where(Directory.Exists))
            Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Should().BeEmpty($"a refused run leaves nothing in {folder}");
        return line;
    }
}
