using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The send side of a reconnecting WebSocket client, one per client, shared by the chat socket and the realtime audio
/// socket: one send lock, so that messages never interleave and a close never goes out in the middle of one; the close
/// handshake (sent on dispose, answered when the server closes), its state checked under that lock; and a finished
/// connection disposed under it. Whatever socket is current is the caller's (it changes on a reconnect).
/// </summary>
internal sealed class WebSocketLink
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TimeSpan _closeTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _lifetime;

    /// <param name="closeTimeout">The bound of a close handshake, and of waiting for a send before a dispose.</param>
    /// <param name="time">The clock of that bound (a timeout, so the <see cref="TimeProvider"/>: ADR 0007).</param>
    /// <param name="logger">Where a failed close handshake is logged.</param>
    /// <param name="lifetime">Cancelled when the client is disposed: ends a send being written.</param>
    public WebSocketLink(TimeSpan closeTimeout, TimeProvider time, ILogger logger, CancellationToken lifetime)
    {
        _closeTimeout = closeTimeout;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>
    /// Sends one whole message on the socket that is current once the lock is taken (a reconnect may have replaced the
    /// one current when the call began). Returns <see langword="false"/>, having sent nothing, when it is not open.
    /// </summary>
    /// <param name="current">Reads the current socket.</param>
    /// <param name="encode">Writes the message, under the lock (an encoder that reuses its buffer is safe there). An empty
    /// message is not sent: the encoder decided, in the order the lock gives the sends, that nothing goes out (the
    /// call still returns <see langword="true"/>).</param>
    /// <param name="state">What <paramref name="encode"/> encodes.</param>
    /// <param name="type">Text or binary.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and a send not yet begun. A message being written goes
    /// out whole: cancelling a WebSocket send aborts the socket, so one caller's cancel would end the connection for all.
    /// Disposal still ends it.</param>
    public async ValueTask<bool> TrySendAsync<TState>(
        Func<WebSocket?> current, Func<TState, ReadOnlyMemory<byte>> encode, TState state, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var socket = current();
            if (socket is not { State: WebSocketState.Open })
            {
                return false;
            }

            // Checked before the encoder runs: what it decides (under the lock) and the send go together.
            cancellationToken.ThrowIfCancellationRequested();
            var message = encode(state);
            if (message.IsEmpty)
            {
                return true;
            }

            await socket.SendAsync(message, type, endOfMessage: true, _lifetime).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Answers the server's close frame (best effort) so that the server sees a clean handshake.</summary>
    public async Task AnswerCloseAsync(WebSocket socket)
    {
        if (socket.State == WebSocketState.CloseReceived)
        {
            await TryCloseOutputAsync(socket, WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a close frame (best effort); returns whether it went out. The receive loop (answering the server's close)
    /// and a dispose (closing on stop) both come here, often at the same moment when a stop makes the server close the
    /// socket: the state is checked under the send lock, so the second one finds the handshake done (or the socket
    /// disposed) and sends nothing, instead of failing on a closed socket.
    /// </summary>
    public async Task<bool> TryCloseOutputAsync(WebSocket socket, WebSocketCloseStatus status, string? description)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(_closeTimeout, _time);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    return false;
                }

                await socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
                return true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.CloseHandshakeFailed(_logger, ex);
            return false;
        }
    }

    /// <summary>
    /// Disposes a socket the receive loop is done with, under the send lock: a close that a dispose is sending at the same
    /// moment finishes first, and one it sends later finds the socket closed rather than disposed under it. Bounded by
    /// the close timeout: a send stuck on a dead connection does not hold the loop (the dispose then ends that send).
    /// </summary>
    public async Task DisposeSocketAsync(WebSocket socket)
    {
        var locked = await _sendLock.WaitAsync(_closeTimeout, CancellationToken.None).ConfigureAwait(false);
        try
        {
            socket.Dispose();
        }
        finally
        {
            if (locked)
            {
                _sendLock.Release();
            }
        }
    }
}
