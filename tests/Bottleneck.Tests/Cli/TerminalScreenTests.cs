using FluentAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>The small VT emulator the terminal tests read screens with.</summary>
public sealed class TerminalScreenTests
{
    [Fact]
    public void Cursor_moves_and_erases_land_where_a_terminal_puts_them()
    {
        var screen = TerminalScreen.Of("first\r\nsecond\r\nthird\u001b[2A\rFIRST\u001b[K\r\n\u001b[2Cx\u001b[J", 20);
        screen.Lines.Should().Equal("FIRST", "sexond");
    }

    [Fact]
    public void A_sequence_cut_short_by_the_echo_of_ctrl_c_does_not_stop_the_reading()
    {
        var screen = TerminalScreen.Of("bar 50%\u001b[3^C\rinterrupted\u001b[K", 20);
        screen.Lines.Should().Equal("interrupted");
        FluentActions.Invoking(() => TerminalScreen.Of("\u001b[5X", 20)).Should().Throw<InvalidOperationException>("an unknown letter sequence is a gap in the emulator, not noise");
    }
}
