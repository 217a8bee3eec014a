using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bottleneck.Tests.Data;

/// <summary>How the test server answers a GET of one path.</summary>
/// <param name="Body">The bytes announced in Content-Length.</param>
/// <param name="SendOnly">Send only this many bytes of the body, then close the connection (a mirror dying mid-file).</param>
/// <param name="Stall">After <paramref name="SendOnly"/> bytes, keep the connection open and send nothing more.</param>
/// <param name="Endless">Announce no length and send the body again and again until the client hangs up (a server gone wrong).</param>
public sealed record TestResponse(byte[] Body, int Status = 200, int? SendOnly = null, bool Stall = false, bool Endless = false);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a free port) for download tests: one request per
/// connection, answers from a table of paths (404 for the rest), records the paths asked for.
/// It accepts and answers on its own threads, not the thread pool, so that tests saturating the
/// pool elsewhere cannot delay an answer past a client's timeout. It stops when disposed, and in
/// any case after a minute, so a broken test cannot leave it running.
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1));
    private readonly ConcurrentDictionary<string, TestResponse> _responses = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Thread _acceptor;

    public TestHttpServer()
    {
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _stop.Token.Register(_listener.Stop);
        _acceptor = new Thread(AcceptLoop) { IsBackground = true, Name = "test-http-accept" };
        _acceptor.Start();
    }

    public Uri BaseUrl { get; }

    /// <summary>The paths requested so far, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public void Serve(string path, TestResponse response) => _responses["/" + path.TrimStart('/')] = response;

    public void Serve(string path, byte[] body) => Serve(path, new TestResponse(body));

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            new Thread(() => Answer(client)) { IsBackground = true, Name = "test-http-answer" }.Start();
        }
    }

    private void Answer(TcpClient client)
    {
        try
        {
            using (client)
            using (_stop.Token.Register(client.Close))
            {
                var stream = client.GetStream();
                string? path = ReadRequestPath(stream);
                if (path is null) return;
                _requests.Enqueue(path);
                var response = _responses.TryGetValue(path, out var r) ? r : new TestResponse(Encoding.ASCII.GetBytes("not found"), 404);
                string reason = response.Status == 200 ? "OK" : response.Status == 404 ? "Not Found" : "Error";
                string length = response.Endless ? "" : $"Content-Length: {response.Body.Length}\r\n";
                string head = $"HTTP/1.1 {response.Status} {reason}\r\n{length}Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                stream.Write(Encoding.ASCII.GetBytes(head));
                for (long sent = 0; response.Endless && sent < (1L << 32); sent += response.Body.Length) stream.Write(response.Body);
                int send = Math.Min(response.SendOnly ?? response.Body.Length, response.Body.Length);
                stream.Write(response.Body, 0, send);
                stream.Flush();
                if (response.Stall) _stop.Token.WaitHandle.WaitOne();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away or the server is stopping: nothing to answer.
        }
    }

    // Reads up to the blank line that ends the request headers; returns the path of "GET /path HTTP/1.1".
    private static string? ReadRequestPath(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n"))
        {
            int n = stream.Read(buffer);
            if (n == 0 || head.Length > 16384) return null;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        string[] requestLine = head.ToString().Split("\r\n")[0].Split(' ');
        return requestLine.Length == 3 && requestLine[0] == "GET" ? requestLine[1] : null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _acceptor.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
