using System.Diagnostics;
using System.Text;
using FluentAssertions;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// The live progress display as a user at a terminal sees it: the program runs in a pseudo-terminal (util-linux
/// <c>script</c>, in Debian's essential bsdutils), Ctrl-C is typed into it, and the screen it leaves is read back with
/// <see cref="TerminalScreen"/>.
/// </summary>
public sealed class TerminalTests : IDisposable
{
    private const int Width = 110;
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-terminal-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    // Runs the program in a pseudo-terminal; once `ready` holds, types Ctrl-C. Returns the screen's lines.
    private IReadOnlyList<string> OnTerminal(Func<bool>? ready, params string[] args)
    {
        string typescript = Path.Combine(_dir, "typescript");
        // A suite started in the background of a script (`… &`) inherits SIGINT ignored, and a shell cannot undo that, so
        // Perl (Debian's essential perl-base) puts the default back before the program starts, as at a user's terminal.
        // The terminal's echo of the typed ^C is off: the kernel inserts it into the output wherever the program happens to
        // be, which can be inside an escape sequence (CI saw "ESC ^C [38;5;11m"), and then no screen can be read back.
        string command = $"stty cols {Width} rows 50 -echo; exec perl -e '$SIG{{INT}} = \"DEFAULT\"; exec {{$ARGV[0]}} @ARGV or die \"exec: $!\"' " +
                         $"{Quote(BottleneckProcess.DotnetHost())} {Quote(BottleneckProcess.CliAssembly)} " + string.Join(' ', args.Select(Quote));
        var info = new ProcessStartInfo("/usr/bin/script", ["-qfec", command, typescript])
        {
            WorkingDirectory = _dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment.Remove("CI");
        info.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(info)!;
        var drain = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        if (ready is not null)
        {
            while (!ready() && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(25);
            ready().Should().BeTrue("the run should get going");
            process.StandardInput.Write('\u0003');
            process.StandardInput.Flush();
        }
        bool ended = process.WaitForExit(TimeSpan.FromSeconds(90));
        if (!ended) process.Kill(entireProcessTree: true); // a run that ignored the ^C would otherwise train on after the test
        ended.Should().BeTrue("the run should end; the screen so far:\n" + Typescript(typescript));
        process.StandardInput.Close();
        drain.Wait(TimeSpan.FromSeconds(10));
        // The typescript holds the session between script's own first and last lines.
        string output = Encoding.UTF8.GetString(File.ReadAllBytes(typescript));
        output = output[(output.IndexOf('\n') + 1)..output.LastIndexOf("\nScript done", StringComparison.Ordinal)];
        var lines = TerminalScreen.Of(output, Width).Lines.ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    // What script(1) has written so far; it flushes after every write (-f).
    private static string Typescript(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    [Fact]
    public void Ctrl_C_at_a_terminal_stays_on_screen_above_the_bar_with_a_line_per_epoch_before_it()
    {
        string run = Path.Combine(_dir, "run");
        var screen = OnTerminal(() => File.Exists(Path.Combine(run, "training-state.safetensors")),
                                "train", "--dataset", "digits", "--model", "dense", "--epochs", "100000", "--out", run);

        screen.Should().Contain(l => l.StartsWith("digits: 1,347 training samples and 450 test samples; dense model"));
        screen.Should().Contain(l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^train: epoch 1/100000  train_loss \d\.\d{4}  val_loss \d\.\d{4}  [\d,]+ img/s  \((\d+:)?\d+:\d\d left\)$"));
        int notice = screen.ToList().FindIndex(l => l == "interrupted: finishing the current batch and saving results (Ctrl-C again to quit now)");
        notice.Should().BePositive("the acknowledgement is not overwritten by the bar\n" + string.Join('\n', screen));
        int bar = screen.ToList().FindIndex(l => l.StartsWith("train  epoch ") && l.Contains("stopped"));
        bar.Should().BeGreaterThan(notice, "the bar, marked stopped, stays below the notice\n" + string.Join('\n', screen));
        screen[^1].Should().EndWith("goes on from the last finished epoch");
    }

    [Fact]
    public void Several_models_each_get_a_bar_with_their_epoch_and_a_line_when_they_finish()
    {
        var screen = OnTerminal(null, "optimizers", "--epochs", "5", "--optimizers", "adam,sgd", "--out", Path.Combine(_dir, "study"));

        screen.Should().Contain(l => l.StartsWith("Adam: finished 5 epochs, val_loss "));
        screen.Should().Contain(l => l.StartsWith("SGD: finished 5 epochs, val_loss "));
        screen.Should().Contain(l => l.StartsWith("Adam  epoch 5/5  val ") && l.EndsWith("100% done"));
        screen.Should().Contain(l => l.StartsWith("SGD   epoch 5/5  val ") && l.EndsWith("100% done"));
    }
}
