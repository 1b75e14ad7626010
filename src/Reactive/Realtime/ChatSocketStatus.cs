namespace KonPro.Streaming.Realtime;

/// <summary>The state of a <see cref="ChatSocket"/>, as data: a drop and a reconnect are values, not errors.</summary>
internal abstract record ChatSocketStatus
{
    private ChatSocketStatus()
    {
    }

    /// <summary>The first connection is being opened.</summary>
    internal sealed record Connecting : ChatSocketStatus;

    /// <summary>The socket is open (first connection or after a reconnect).</summary>
    /// <param name="Reconnected">Whether this connection replaced one that dropped.</param>
    internal sealed record Open(bool Reconnected) : ChatSocketStatus;

    /// <summary>The connection dropped for a retryable reason; attempt <paramref name="Attempt"/> follows after <paramref name="Delay"/>.</summary>
    /// <param name="Attempt">The attempt about to be made, from 1.</param>
    /// <param name="Delay">The wait before it.</param>
    /// <param name="Reason">Why the connection dropped.</param>
    /// <param name="CloseStatus">The close status the server sent, if any.</param>
    /// <param name="Description">The close reason text the server sent, if any.</param>
    internal sealed record Reconnecting(int Attempt, TimeSpan Delay, DisconnectReason Reason, int? CloseStatus, string? Description)
        : ChatSocketStatus;

    /// <summary>The socket is closed for good (the last status; the stream completes after it).</summary>
    /// <param name="Reason">Why.</param>
    /// <param name="CloseStatus">The close status the server sent (or the client, on dispose), if any.</param>
    /// <param name="Description">The close reason text, if any.</param>
    internal sealed record Closed(DisconnectReason Reason, int? CloseStatus, string? Description) : ChatSocketStatus;
}
