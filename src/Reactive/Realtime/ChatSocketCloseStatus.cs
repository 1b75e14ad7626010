using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The chat socket's close statuses (<c>x-close-statuses</c> in <c>openapi/konpro-chat.asyncapi.yaml</c>) and what they
/// mean: which are final, for the SDK's one reconnect rule (<see cref="ReconnectingWebSocket"/>), and the
/// <see cref="DisconnectReason"/> each one becomes.
/// </summary>
internal static class ChatSocketCloseStatus
{
    /// <summary><c>stop</c> was called (<c>session_stopped</c>).</summary>
    internal const int SessionStopped = Api.ChatCloseStatus.SessionStopped;

    /// <summary>No activity for <c>activity_idle_timeout</c> (<c>idle_timeout</c>).</summary>
    internal const int IdleTimeout = Api.ChatCloseStatus.IdleTimeout;

    /// <summary><c>session_duration_limit</c> reached (<c>duration_limit</c>).</summary>
    internal const int DurationLimit = Api.ChatCloseStatus.DurationLimit;

    /// <summary>Bad or expired session token, or a session it does not own (<c>unauthorized</c>).</summary>
    internal const int Unauthorized = Api.ChatCloseStatus.Unauthorized;

    /// <summary>Unknown session (<c>session_not_found</c>).</summary>
    internal const int SessionNotFound = Api.ChatCloseStatus.SessionNotFound;

    /// <summary>Maps a close status (<see langword="null"/> when the connection ended without a close handshake) to a reason.</summary>
    /// <param name="closeStatus">The status the server sent, or <see langword="null"/>.</param>
    internal static DisconnectReason ToReason(int? closeStatus) => closeStatus switch
    {
        null => DisconnectReason.NetworkLost,
        SessionStopped => DisconnectReason.ClientStop,
        IdleTimeout => DisconnectReason.IdleTimeout,
        DurationLimit => DisconnectReason.DurationLimit,
        Unauthorized => DisconnectReason.Unauthorized,
        SessionNotFound => DisconnectReason.SessionNotFound,
        _ => DisconnectReason.ServerClosed, // 1001 going away, 1011 internal error, 1012 restart, anything else
    };

    /// <inheritdoc cref="ToReason(int?)"/>
    internal static DisconnectReason ToReason(WebSocketCloseStatus? closeStatus) => ToReason((int?)closeStatus);

    /// <summary>Whether a client may reconnect after a drop for this reason (while the session lives).</summary>
    /// <param name="reason">The reason.</param>
    internal static bool IsRetryable(DisconnectReason reason) =>
        reason is DisconnectReason.ServerClosed or DisconnectReason.NetworkLost;
}
