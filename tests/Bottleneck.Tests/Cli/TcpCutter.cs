using System.Net;
using System.Net.Sockets;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// A TCP proxy on 127.0.0.1 that forwards to a server and can cut the line: <see cref="Cut"/> drops every open
/// connection and refuses new ones (as a network partition would), <see cref="Restore"/> lets connections through again.
/// </summary>
public sealed class TcpCutter : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _cut;

    public TcpCutter(string host, int port)
    {
        _target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections the proxy has let through so far.</summary>
    public int Accepted { get; private set; }

    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var client in _open)
            {
                if (client.Client is { } socket) socket.LingerState = new LingerOption(true, 0); // a reset, not a polite close
                client.Close();
            }
            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            if (_cut)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Close();
                continue;
            }
            var outbound = new TcpClient();
            try { await outbound.ConnectAsync(_target, _stop.Token); }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                inbound.Close();
                outbound.Dispose();
                continue;
            }
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
                Accepted++;
            }
            _ = Pipe(inbound, outbound);
            _ = Pipe(outbound, inbound);
        }
    }

    private async Task Pipe(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16384];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0) await sink.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException) { }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        _stop.Dispose();
    }
}
