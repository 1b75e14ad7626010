using Microsoft.Extensions.Logging;

namespace KonPro.StreamingAvatar;

/// <summary>Every log message of the SDK, with fixed event ids. Secrets are redacted before they get here.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "KonPro {Operation} succeeded in {ElapsedMs} ms")]
    public static partial void CallSucceeded(ILogger logger, string operation, double elapsedMs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "KonPro {Operation} failed with HTTP {Status} {ErrorCode} (request id {RequestId})")]
    public static partial void CallFailed(ILogger logger, string operation, int status, string? errorCode, string? requestId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "KonPro {Operation} failed without an answer: {Reason}")]
    public static partial void CallFailedWithoutAnswer(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "KonPro {Operation} failed ({Reason}); attempt {Attempt} in {DelayMs} ms")]
    public static partial void RetryingCall(ILogger logger, string operation, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Session {SessionId} state {OldState} -> {NewState}")]
    public static partial void StateChanged(ILogger logger, string? sessionId, SessionState oldState, SessionState newState);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Session {SessionId} created")]
    public static partial void SessionCreated(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Stopping session {SessionId} after a failed or cancelled start")]
    public static partial void StoppingAfterFailedStart(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Could not stop session {SessionId}: {Reason}")]
    public static partial void StopFailed(ILogger logger, string? sessionId, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Session {SessionId} disconnected: {Reason} (close status {CloseStatus})")]
    public static partial void Disconnected(ILogger logger, string? sessionId, DisconnectReason reason, int? closeStatus);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Automatic keep-alive of session {SessionId} failed: {Reason}")]
    public static partial void KeepAliveFailed(ILogger logger, string? sessionId, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "An event subscriber threw while handling {EventName}; other subscribers still get the event")]
    public static partial void SubscriberThrew(ILogger logger, Exception exception, string eventName);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Dropped a malformed chat message: {Reason}")]
    public static partial void MalformedMessage(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "The room connector failed: {Reason}")]
    public static partial void RoomFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Voice chat stopped: {Reason}")]
    public static partial void VoiceChatFailed(ILogger logger, string reason);
}
