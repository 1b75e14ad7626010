using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing;

/// <summary>Every log message of the fake server, with fixed event ids. None carries an API key or a session token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "KonPro fake server listening on {Url}")]
    public static partial void ServerStarted(ILogger logger, string url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} ({OperationId}, {Credential}) -> {Status}")]
    public static partial void RestCall(ILogger logger, string method, string path, string operationId, CredentialKind credential, int status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Session {SessionId} created with avatar {AvatarId}")]
    public static partial void SessionCreated(ILogger logger, string sessionId, string avatarId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Session {SessionId} closed: {CloseStatus} {CloseReason}")]
    public static partial void SessionClosed(ILogger logger, string sessionId, int closeStatus, string closeReason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Chat socket {ConnectionId} bound to session {SessionId}")]
    public static partial void ChatSocketBound(ILogger logger, Guid connectionId, string sessionId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Chat socket {ConnectionId} for session {SessionId} refused: {CloseStatus} {CloseReason}")]
    public static partial void ChatSocketRefused(ILogger logger, Guid connectionId, string? sessionId, int closeStatus, string closeReason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The responder failed on a message of session {SessionId}")]
    public static partial void ResponderFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Operation {OperationId} failed with an internal error")]
    public static partial void ProcessingError(ILogger logger, Exception exception, string operationId);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Chat socket {ConnectionId} of session {SessionId} sent a message over {MaxBytes} bytes; closing it with 1009")]
    public static partial void ChatMessageTooBig(ILogger logger, Guid connectionId, string? sessionId, int maxBytes);
}
