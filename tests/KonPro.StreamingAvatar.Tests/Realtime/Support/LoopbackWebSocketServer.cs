using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>
/// A WebSocket server on loopback (port 0) that hands each accepted connection to the test as a real server-side
/// <see cref="WebSocket"/>, and can refuse upgrades with an HTTP status. Counts the connections it saw.
/// </summary>
internal sealed class LoopbackWebSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<LoopbackConnection> _accepted = Channel.CreateUnbounded<LoopbackConnection>();
    private readonly List<TcpClient> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public LoopbackWebSocketServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The URL clients connect to.</summary>
    public Uri Uri => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/socket");

    /// <summary>How many connections came (each for one upgrade, accepted or refused), counted before the upgrade is answered.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>When set, upgrades are refused with this HTTP status.</summary>
    public int? RefuseWith { get; set; }

    /// <summary>The next accepted connection (waits for it).</summary>
    public async Task<LoopbackConnection> AcceptAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Wait);
        return await _accepted.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_clients)
        {
            foreach (var client in _clients)
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
            client.NoDelay = true;
            Interlocked.Increment(ref _connections);
            lock (_clients)
            {
                _clients.Add(client);
            }

            var refuse = RefuseWith;
            if ((await WebSocketUpgrade.AnswerAsync(client.GetStream(), refuse, _stop.Token)).Length == 0)
            {
                continue;
            }

            if (refuse is not null)
            {
                client.Dispose();
                continue;
            }

            var socket = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            _accepted.Writer.TryWrite(new LoopbackConnection(socket, client));
        }
    }
}

/// <summary>The server side of one loopback WebSocket connection.</summary>
internal sealed class LoopbackConnection(WebSocket socket, TcpClient client) : ServerSideWebSocket(socket)
{
    /// <summary>Drops the TCP connection without a close handshake.</summary>
    public void Drop()
    {
        client.Client.LingerState = new LingerOption(true, 0); // a reset, not a graceful FIN
        client.Dispose();
    }

    /// <summary>Receives one whole text message (or the client's close), as text.</summary>
    public async Task<(WebSocketMessageType Type, string Text)> ReceiveTextAsync()
    {
        var (type, bytes) = await ReceiveAsync(TestTimeouts.Wait);
        return (type, Encoding.UTF8.GetString(bytes));
    }
}
