using KonPro.Streaming.RealtimeAudio;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The state of a <see cref="ReconnectingWebSocket"/>, as data, before a protocol gives it its own words (the chat
/// socket's <see cref="ChatSocketStatus"/>, the realtime audio socket's <see cref="RealtimeAudioState"/>).
/// </summary>
internal abstract record ReconnectingWebSocketStatus
{
    private ReconnectingWebSocketStatus()
    {
    }

    /// <summary>The first connection is being opened.</summary>
    internal sealed record Connecting : ReconnectingWebSocketStatus;

    /// <summary>The socket is open (first connection or after a reconnect).</summary>
    /// <param name="Reconnected">Whether this connection replaced one that ended.</param>
    internal sealed record Open(bool Reconnected) : ReconnectingWebSocketStatus;

    /// <summary>The connection ended and may be reopened: attempt <paramref name="Attempt"/> follows after <paramref name="Delay"/>.</summary>
    /// <param name="Attempt">The attempt about to be made, from 1.</param>
    /// <param name="Delay">The wait before it.</param>
    /// <param name="CloseStatus">The close status the server sent, or <see langword="null"/> when the connection ended without a close handshake.</param>
    /// <param name="Description">The close reason text the server sent, if any.</param>
    internal sealed record Reconnecting(int Attempt, TimeSpan Delay, int? CloseStatus, string? Description) : ReconnectingWebSocketStatus;

    /// <summary>The socket is closed for good (the last status; the stream completes after it).</summary>
    /// <param name="By">What closed it.</param>
    /// <param name="CloseStatus">The close status the server sent (or the client, on dispose), if any.</param>
    /// <param name="Description">The close reason text, if any.</param>
    /// <param name="Failure">What the first connection failed with (<see cref="ClosedBy.ConnectFailed"/> only).</param>
    internal sealed record Closed(ClosedBy By, int? CloseStatus, string? Description, Exception? Failure = null) : ReconnectingWebSocketStatus;
}

/// <summary>What closed a <see cref="ReconnectingWebSocket"/> for good.</summary>
internal enum ClosedBy
{
    /// <summary>The owner disposed it.</summary>
    Client,

    /// <summary>
    /// The connection ended (with the server's close status, or without a close handshake) and was not reopened: the
    /// close was final, no reconnect was allowed, or every attempt failed.
    /// </summary>
    ConnectionEnded,

    /// <summary>The first connection could not be made (<see cref="ReconnectingWebSocketStatus.Closed.Failure"/> says why).</summary>
    ConnectFailed,
}
