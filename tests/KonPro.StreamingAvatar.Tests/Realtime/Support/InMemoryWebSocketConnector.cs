using System.Net.WebSockets;
using System.Threading.Channels;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>The server side of one in-memory chat socket connection.</summary>
internal sealed class InMemoryServerConnection(WebSocket socket, InMemoryDuplexStream stream, Uri uri) : ServerSideWebSocket(socket), IAsyncDisposable
{
    public Uri Uri { get; } = uri;

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort() => stream.Abort();

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        stream.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Connects chat sockets to in-memory server sockets (WebSocket.CreateFromStream over a duplex pipe) and hands
/// each server side to the test. Can be told to fail the next connections.
/// </summary>
internal sealed class InMemoryWebSocketConnector : IWebSocketConnector, IAsyncDisposable
{
    private readonly Channel<InMemoryServerConnection> _accepted = Channel.CreateUnbounded<InMemoryServerConnection>();
    private readonly List<InMemoryServerConnection> _all = [];
    private int _attempts;

    /// <summary>How many times ConnectAsync was called.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>When set, ConnectAsync throws it instead of connecting.</summary>
    public Func<Exception>? Failure { get; set; }

    public List<Uri> Uris { get; } = [];

    /// <summary>The latest connection's "bytes arrived" callback: calling it is what a pong from the server does.</summary>
    public Action? Heard { get; private set; }

    public Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        cancellationToken.ThrowIfCancellationRequested();
        Heard = heard;
        lock (Uris)
        {
            Uris.Add(uri);
        }

        if (Failure is { } failure)
        {
            return Task.FromException<WebSocket>(failure());
        }

        var (client, server) = InMemoryDuplexStream.CreatePair();
        var clientSocket = WebSocket.CreateFromStream(client, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var serverSocket = WebSocket.CreateFromStream(server, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var connection = new InMemoryServerConnection(serverSocket, server, uri);
        lock (_all)
        {
            _all.Add(connection);
        }

        _accepted.Writer.TryWrite(connection);
        return Task.FromResult(clientSocket);
    }

    /// <summary>The next server side accepted (waits for it).</summary>
    public async Task<InMemoryServerConnection> AcceptAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Wait);
        return await _accepted.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        List<InMemoryServerConnection> all;
        lock (_all)
        {
            all = [.. _all];
        }

        foreach (var connection in all)
        {
            await connection.DisposeAsync();
        }
    }
}
