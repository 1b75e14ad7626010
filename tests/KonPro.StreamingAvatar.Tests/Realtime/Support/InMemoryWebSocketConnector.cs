using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>The server side of one in-memory chat socket connection.</summary>
internal sealed class InMemoryServerConnection(WebSocket socket, InMemoryDuplexStream stream, Uri uri) : IAsyncDisposable
{
    public WebSocket Socket { get; } = socket;

    public Uri Uri { get; } = uri;

    public Task SendTextAsync(string json) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends one text message split into frames at the given byte offsets.</summary>
    public async Task SendFragmentedAsync(string json, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var start = 0;
        foreach (var cut in cuts)
        {
            await Socket.SendAsync(bytes.AsMemory(start, cut - start), WebSocketMessageType.Text, false, CancellationToken.None);
            start = cut;
        }

        await Socket.SendAsync(bytes.AsMemory(start), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    public Task CloseAsync(int status, string description) =>
        Socket.CloseOutputAsync((WebSocketCloseStatus)status, description, CancellationToken.None);

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort() => stream.Abort();

    /// <summary>Receives one whole message (binary frames from the client, or its close).</summary>
    public async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer.AsMemory(total), cts.Token);
            total += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, buffer[..total]);
            }
        }
    }

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
