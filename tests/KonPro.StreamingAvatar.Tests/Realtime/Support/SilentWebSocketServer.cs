using System.Net;
using System.Net.Sockets;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>
/// A server on loopback that accepts each WebSocket upgrade (101) and then goes silent: it never reads, never
/// answers a ping, never closes. A dead peer, as far as the client can tell.
/// </summary>
/// <remarks>
/// With <c>pongEvery</c> it is a quiet but live server instead: it still never sends a message, but writes an
/// unsolicited pong frame at that interval (what a client sees of a server answering its pings); with
/// <c>pongPath</c> too, only on the connections whose upgrade request names a path containing it.
/// </remarks>
internal sealed class SilentWebSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeSpan? _pongEvery;
    private readonly string? _pongPath;
    private int _upgrades;
    private int _pongs;

    public SilentWebSocketServer(TimeSpan? pongEvery = null, string? pongPath = null)
    {
        _pongEvery = pongEvery;
        _pongPath = pongPath;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Upgrades => Volatile.Read(ref _upgrades);

    /// <summary>How many pong frames the server has written (with <c>pongEvery</c>).</summary>
    public int Pongs => Volatile.Read(ref _pongs);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_accepted)
        {
            foreach (var client in _accepted)
            {
                client.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_accepted)
            {
                _accepted.Add(client);
            }

            var requestLine = await WebSocketUpgrade.AnswerAsync(client.GetStream(), refuseWith: null, _stop.Token);
            Interlocked.Increment(ref _upgrades);
            if (_pongEvery is { } every && (_pongPath is null || requestLine.Contains(_pongPath, StringComparison.Ordinal)))
            {
                _ = PongLoopAsync(client.GetStream(), every, _stop.Token);
            }
        }
    }

    private async Task PongLoopAsync(NetworkStream stream, TimeSpan every, CancellationToken cancellationToken)
    {
        // An unmasked pong frame with no payload (FIN + opcode 0xA, length 0), as a server writes it.
        var pong = new byte[] { 0x8A, 0x00 };
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(every, cancellationToken);
                await stream.WriteAsync(pong, cancellationToken);
                Interlocked.Increment(ref _pongs);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the client went away.
        }
    }
}
