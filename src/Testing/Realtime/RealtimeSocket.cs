using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>What one receive on the realtime audio socket got.</summary>
internal enum RealtimeReceived
{
    /// <summary>A whole text message (<see cref="RealtimeSocket.Message"/>).</summary>
    Text,

    /// <summary>A whole binary message (the protocol has none).</summary>
    Binary,

    /// <summary>A message over <see cref="RealtimeSocket.MaxMessageBytes"/>; its rest is still to be discarded.</summary>
    TooLarge,

    /// <summary>The client's close.</summary>
    Close,
}

/// <summary>
/// The realtime audio socket's transport: whole messages in (one receive loop, bounded size), text out under one send
/// lock (so sends never overlap), and a close that does not wait long for a client that went away. It knows nothing
/// of the protocol.
/// </summary>
internal sealed class RealtimeSocket(WebSocket socket) : IDisposable
{
    /// <summary>The largest message the server reads whole.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    private const int ReceiveChunkBytes = 16 * 1024;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _received = new();
    private ValueWebSocketReceiveResult _last;

    /// <summary>Whether the socket is open for receiving.</summary>
    public bool IsOpen => socket.State == WebSocketState.Open;

    /// <summary>The last text or binary message received (valid until the next receive).</summary>
    public ReadOnlyMemory<byte> Message => _received.WrittenMemory;

    /// <summary>Receives the next whole message, or as much of a too large one as the limit allows.</summary>
    public async Task<RealtimeReceived> ReceiveAsync(CancellationToken cancellationToken)
    {
        _received.Clear();
        do
        {
            _last = await socket.ReceiveAsync(_received.GetMemory(ReceiveChunkBytes), cancellationToken).ConfigureAwait(false);
            _received.Advance(_last.Count);
        }
        while (!_last.EndOfMessage && _received.WrittenCount <= MaxMessageBytes);

        return _last.MessageType switch
        {
            WebSocketMessageType.Close => RealtimeReceived.Close,
            _ when !_last.EndOfMessage => RealtimeReceived.TooLarge,
            WebSocketMessageType.Binary => RealtimeReceived.Binary,
            _ => RealtimeReceived.Text,
        };
    }

    /// <summary>Reads and drops the rest of a message that <see cref="ReceiveAsync"/> found too large.</summary>
    public async Task DiscardRestAsync(CancellationToken cancellationToken)
    {
        while (!_last.EndOfMessage)
        {
            _last = await socket.ReceiveAsync(_received.GetMemory(ReceiveChunkBytes), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one text message; nothing happens when the client is gone or the socket was disposed.</summary>
    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        try
        {
            await _sendLock.WaitAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes with a status and reason, waiting at most two seconds for the client's answer.</summary>
    public Task CloseAsync(WebSocketCloseStatus status, string reason) => CloseQuietlyAsync(socket, status, reason);

    /// <summary>Closes <paramref name="socket"/>, waiting at most two seconds; a client that went away first is no error.</summary>
    public static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away first.
        }
    }

    public void Dispose() => _sendLock.Dispose();
}
