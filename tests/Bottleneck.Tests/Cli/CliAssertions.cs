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
}
