using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// What a protocol gives a <see cref="ReconnectingWebSocket"/>: how to read a message, which close statuses are final,
/// how to keep the session alive, and what to do when the socket's status changes. The core calls it on its own
/// threads and never under a lock of its own.
/// </summary>
internal interface IWebSocketProtocol
{
    /// <summary>A whole message arrived (never more than the options' <c>MaxMessageBytes</c>). Called from the one receive loop, never concurrently.</summary>
    /// <param name="message">The message's bytes; valid only during the call.</param>
    /// <param name="type">Text or binary.</param>
    /// <param name="receivedTimestamp">When its last frame arrived (<see cref="TimeProvider.GetTimestamp"/> of the options' provider, read once by the core).</param>
    void OnMessage(ReadOnlySpan<byte> message, WebSocketMessageType type, long receivedTimestamp);

    /// <summary>Whether the server's close status ends the socket for good (the protocol document's final statuses).</summary>
    /// <param name="closeStatus">The status.</param>
    /// <returns><see langword="true"/> when no reconnect may follow.</returns>
    bool IsFinal(int closeStatus);

    /// <summary>Sends the protocol's keep-alive message (every <c>KeepAliveInterval</c>, when that is set).</summary>
    /// <param name="cancellationToken">Cancelled when the socket is disposed.</param>
    /// <returns>Completes when the message was sent.</returns>
    Task SendKeepAliveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The status changed to <paramref name="status"/> (never <see cref="ReconnectingWebSocketStatus.Closed"/>): called on the
    /// thread that changed it, once the status is queued and before that thread delivers it to observers of
    /// <see cref="ReconnectingWebSocket.Status"/>. A <see cref="ReconnectingWebSocketStatus.Reconnecting"/> comes once its delay is armed.
    /// When the socket closes on another thread at the same moment, it may come after <see cref="OnClosed"/>.
    /// </summary>
    /// <param name="status">The new status.</param>
    void OnStatus(ReconnectingWebSocketStatus status);

    /// <summary>The socket closed for good: called once, after <see cref="ReconnectingWebSocket.Status"/> completed.</summary>
    /// <param name="closed">How it closed.</param>
    void OnClosed(ReconnectingWebSocketStatus.Closed closed);
}
