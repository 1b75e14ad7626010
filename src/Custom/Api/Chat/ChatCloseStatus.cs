namespace KonPro.Streaming.Api;

/// <summary>
/// The statuses the server closes the chat socket with, their reason texts, and whether a client may reconnect
/// after them (<c>x-close-statuses</c> in <c>openapi/konpro-chat.asyncapi.yaml</c>). Any other status (1001 going
/// away, 1011 internal error, 1012 restart) and a connection lost without a close handshake allow a reconnect
/// while the session lives. The SDK's one reconnect rule is its WebSocket core's (<c>ReconnectingWebSocket.MayReconnect</c>),
/// which takes the chat socket's final statuses from <c>ChatSocketCloseStatus.IsRetryable</c>, held to this document by the
/// protocol agreement tests.
/// Internal: the SDK's and the fake's shared plumbing (ADR 0006); users see a close as the SDK's <c>StreamDisconnected</c>
/// (<c>CloseStatus</c>, <c>DisconnectReason</c>).
/// </summary>
internal static class ChatCloseStatus
{
    /// <summary><c>stop</c> was called: 1000, reason <see cref="SessionStoppedReason"/>.</summary>
    public const int SessionStopped = 1000;

    /// <summary>No activity for <c>activity_idle_timeout</c>: 4001, reason <see cref="IdleTimeoutReason"/>.</summary>
    public const int IdleTimeout = 4001;

    /// <summary><c>session_duration_limit</c> reached: 4002, reason <see cref="DurationLimitReason"/>.</summary>
    public const int DurationLimit = 4002;

    /// <summary>Bad or expired session token, or a session it does not own: 4401, reason <see cref="UnauthorizedReason"/>.</summary>
    public const int Unauthorized = 4401;

    /// <summary>Unknown session: 4404, reason <see cref="SessionNotFoundReason"/>.</summary>
    public const int SessionNotFound = 4404;

    /// <summary>The reason text of <see cref="SessionStopped"/>.</summary>
    public const string SessionStoppedReason = "session_stopped";

    /// <summary>The reason text of <see cref="IdleTimeout"/>.</summary>
    public const string IdleTimeoutReason = "idle_timeout";

    /// <summary>The reason text of <see cref="DurationLimit"/>.</summary>
    public const string DurationLimitReason = "duration_limit";

    /// <summary>The reason text of <see cref="Unauthorized"/>.</summary>
    public const string UnauthorizedReason = "unauthorized";

    /// <summary>The reason text of <see cref="SessionNotFound"/>.</summary>
    public const string SessionNotFoundReason = "session_not_found";

    /// <summary>The statuses above, each of which ends the session for good (no reconnect).</summary>
    public static IReadOnlyList<int> Final { get; } = [SessionStopped, IdleTimeout, DurationLimit, Unauthorized, SessionNotFound];

    /// <summary>The reason text the server sends with a status of this protocol.</summary>
    /// <param name="status">A close status.</param>
    /// <returns>The reason text, or <see langword="null"/> for a status whose text the protocol does not fix.</returns>
    public static string? ReasonOf(int status) => status switch
    {
        SessionStopped => SessionStoppedReason,
        IdleTimeout => IdleTimeoutReason,
        DurationLimit => DurationLimitReason,
        Unauthorized => UnauthorizedReason,
        SessionNotFound => SessionNotFoundReason,
        _ => null,
    };
}
