using System.Diagnostics;
using Bottleneck.Data;

namespace Bottleneck.Cli.Output;

/// <summary>
/// Download progress on stdout: one line per file rewritten in place on a terminal (at most ten
/// times a second), or a line when a file starts and one when it is verified and in place when
/// output is redirected or CI is set. Disposing it ends a line left open by a failed download,
/// so the error that follows starts on a line of its own.
/// </summary>
public sealed class DownloadDisplay : IDisposable
{
    private readonly bool _interactive = ConsoleObserver.Interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastDraw = double.NegativeInfinity;
    private bool _lineOpen;

    public void Report(DownloadProgress p)
    {
        if (!_interactive)
        {
            if (p.Completed) Console.WriteLine($"downloaded {p.File}: {p.Received:N0} bytes, SHA-256 verified");
            else if (p.Received == 0) Console.WriteLine($"downloading {p.Url}" + (p.Total is { } size ? $" ({size:N0} bytes)" : ""));
            return;
        }
        double now = _clock.Elapsed.TotalSeconds;
        if (!p.Completed && p.Received != 0 && now - _lastDraw < 0.1) return;
        _lastDraw = now;
        string amount = p.Total is { } total
            ? $"{Megabytes(p.Received)} of {Megabytes(total)} MB ({100.0 * p.Received / Math.Max(1, total):0}%)"
            : $"{Megabytes(p.Received)} MB";
        Console.Write($"\r{p.File}  {amount}{(p.Completed ? ", SHA-256 verified" : "")}\u001b[K");
        _lineOpen = !p.Completed;
        if (p.Completed) Console.WriteLine();
    }

    public void Dispose()
    {
        if (_lineOpen) Console.WriteLine();
        _lineOpen = false;
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
