using System.Runtime.InteropServices;

namespace Bottleneck.Cli.Output;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation request, so a run stops at the next batch
/// and still writes what it has finished. A second Ctrl-C ends the process at once.
/// </summary>
public sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration? _term;

    public Interrupt()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows()) _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerm);
    }

    public CancellationToken Token => _cts.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_cts.IsCancellationRequested) return;
        e.Cancel = true;
        ConsoleObserver.Notice("interrupted: finishing the current batch and saving results (Ctrl-C again to quit now)");
        _cts.Cancel();
    }

    private void OnTerm(PosixSignalContext context)
    {
        context.Cancel = true;
        _cts.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _term?.Dispose();
        _cts.Dispose();
    }
}
