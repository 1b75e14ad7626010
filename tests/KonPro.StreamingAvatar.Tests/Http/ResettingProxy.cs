using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KonPro.Streaming.Tests.Http;

/// <summary>
/// A loopback TCP proxy in front of the fake server that resets (TCP RST, after the request arrived) the next calls to
/// a path it is armed for, and passes every other connection through byte for byte. Clients must open one connection
/// per request (<see cref="CreateClient"/>), so that each request is seen.
/// </summary>
internal sealed class ResettingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly ConcurrentDictionary<string, int> _armed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _resets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ResettingProxy(string upstream)
    {
        _upstream = new Uri(upstream);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string Url { get; }

    /// <summary>An HTTP client that never reuses a connection (so the proxy sees every request's head).</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });

    public void ResetNext(string path, int count) => _armed[path] = count;

    public int Resets(string path) => _resets.GetValueOrDefault(path);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var path = ParsePath(head);
                if (path is not null && _armed.TryGetValue(path, out var left) && left > 0)
                {
                    _armed[path] = left - 1;
                    _resets.AddOrUpdate(path, 1, (_, n) => n + 1);
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                    return;
                }

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var server = upstream.GetStream();
                await server.WriteAsync(head, _stop.Token);
                var up = stream.CopyToAsync(server, _stop.Token);
                var down = server.CopyToAsync(stream, _stop.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A closed or reset connection ends its pump.
            }
        }
    }

    private static async Task<byte[]> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new MemoryStream();
        var one = new byte[4096];
        while (buffer.Length < 65_536)
        {
            var read = await stream.ReadAsync(one);
            if (read == 0)
            {
                break;
            }

            buffer.Write(one, 0, read);
            if (Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return buffer.ToArray();
    }

    private static string? ParsePath(byte[] head)
    {
        var line = Encoding.ASCII.GetString(head).Split("\r\n", 2)[0].Split(' ');
        return line.Length >= 2 ? line[1].Split('?')[0] : null;
    }
}
