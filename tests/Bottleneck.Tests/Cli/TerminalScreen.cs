using System.Text;
using System.Text.RegularExpressions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// What a terminal shows after a byte stream: a small VT100 subset (text, CR, LF, cursor up/down/left/right, erase in
/// line and display, colours and modes ignored), enough to read what the live progress display leaves on screen. An
/// escape sequence outside the subset fails the test, so the screen is never guessed.
/// </summary>
public sealed partial class TerminalScreen
{
    private readonly List<StringBuilder> _lines = [new()];
    private readonly int _width;
    private int _row, _column;

    public TerminalScreen(int width) => _width = width;

    public static TerminalScreen Of(string output, int width)
    {
        var screen = new TerminalScreen(width);
        screen.Feed(output);
        return screen;
    }

    /// <summary>Every line written, scrolled-off ones included, without trailing spaces.</summary>
    public IReadOnlyList<string> Lines => [.. _lines.Select(l => l.ToString().TrimEnd())];

    public void Feed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u001b')
            {
                var match = Escape().Match(text, i);
                if (!match.Success || match.Index != i) throw new InvalidOperationException($"unknown escape sequence at {i}: {Printable(text.Substring(i, Math.Min(12, text.Length - i)))}");
                Apply(match.Groups["csi"].Value, match.Groups["final"].Value);
                i += match.Length - 1;
            }
            else if (c == '\r') _column = 0;
            else if (c == '\n') Move(_row + 1);
            else if (c == '\b') _column = Math.Max(0, _column - 1);
            else if (c is '\a' or '\u0007') { }
            else if (!char.IsControl(c)) Put(c);
        }
    }

    private void Apply(string parameters, string final)
    {
        int n = int.TryParse(parameters.TrimStart('?'), out int v) ? v : 1;
        switch (final)
        {
            case "A": _row = Math.Max(0, _row - n); break;
            case "B": Move(_row + n); break;
            case "C": _column = Math.Min(_width - 1, _column + n); break;
            case "D": _column = Math.Max(0, _column - n); break;
            case "G": _column = Math.Max(0, n - 1); break;
            case "K": Line().Length = Math.Min(Line().Length, parameters == "2" ? 0 : _column); break;
            case "J": if (parameters is "" or "0") _lines.RemoveRange(_row + 1, _lines.Count - _row - 1); break;
            // Colours, modes (cursor visibility, keypad) and the keypad escapes change nothing on screen.
            case "m" or "h" or "l" or "=" or ">": break;
            // Ctrl-C makes the terminal discard output not yet shown and echo "^C", which can cut a sequence short:
            // "ESC[3" + "^C" reads as ESC[3^ and a "C". Such a punctuation final is dropped here (xterm would scroll).
            case [var p] when !char.IsLetter(p): break;
            default: throw new InvalidOperationException($"unsupported escape sequence ESC[{parameters}{final}");
        }
    }

    private StringBuilder Line() => _lines[_row];

    private void Move(int row)
    {
        while (_lines.Count <= row) _lines.Add(new());
        _row = row;
    }

    private void Put(char c)
    {
        if (_column >= _width)
        {
            Move(_row + 1);
            _column = 0;
        }
        var line = Line();
        if (line.Length < _column) line.Append(' ', _column - line.Length);
        if (line.Length == _column) line.Append(c);
        else line[_column] = c;
        _column++;
    }

    private static string Printable(string s) => s.Replace("\u001b", "ESC");

    [GeneratedRegex(@"\u001b(?:\[(?<csi>[0-9;?]*)(?<final>[@-~])|(?<final>[=>]))")]
    private static partial Regex Escape();
}
