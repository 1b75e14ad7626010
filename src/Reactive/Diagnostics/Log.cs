using Microsoft.Extensions.Logging;

namespace KonPro.Streaming;

/// <summary>
/// Every log message of the SDK, with fixed event ids in order: 1xxx REST calls, 2xxx the session, 3xxx events,
/// 4xxx the chat socket, 5xxx voice chat. Secrets are redacted before they get here (URLs are logged redacted).
/// </summary>
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
    public static partial void StateChanged(ILogger logger, string sessionId, SessionState oldState, SessionState newState);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Session {SessionId} created")]
    public static partial void SessionCreated(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Stopping session {SessionId} after a failed or cancelled start")]
    public static partial void StoppingAfterFailedStart(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Could not stop session {SessionId}: {Reason}")]
    public static partial void StopFailed(ILogger logger, string? sessionId, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Session {SessionId} disconnected: {Reason} (close status {CloseStatus})")]
    public static partial void Disconnected(ILogger logger, string? sessionId, DisconnectReason reason, int closeStatus);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Automatic keep-alive of session {SessionId} failed: {Reason}")]
    public static partial void KeepAliveFailed(ILogger logger, string? sessionId, string reason);

    // Before `new` answers there is no session id, and a close without a WebSocket close status has none to show: these
    // say so in words rather than printing "(null)".
    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "New session state {OldState} -> {NewState} (no session id yet)")]
    public static partial void StateChangedBeforeCreated(ILogger logger, SessionState oldState, SessionState newState);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Session {SessionId} disconnected: {Reason} (no close status)")]
    public static partial void DisconnectedWithoutCloseStatus(ILogger logger, string? sessionId, DisconnectReason reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Closing the chat socket failed: {Reason}; the session closes anyway")]
    public static partial void ChatCloseFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Getting the room connector ready while the session was created failed: {Reason}; the join tries again")]
    public static partial void RoomPrepareFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "An event subscriber threw while handling {EventName}; other subscribers still get the event")]
    public static partial void SubscriberThrew(ILogger logger, Exception exception, string eventName);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Dropped a malformed room data message ({Length} bytes)")]
    public static partial void MalformedRoomMessage(ILogger logger, int length);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "The room connector failed: {Reason}")]
    public static partial void RoomFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Voice chat stopped: {Reason}")]
    public static partial void VoiceChatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Refused a {Channel} message named {EventName}: only the SDK raises that event, so the message is not it; dropped")]
    public static partial void RefusedClientEventName(ILogger logger, string eventName, string channel);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Room data from participant {Identity} (topic {Topic}, {Length} bytes): not the avatar's, delivered as participant data")]
    public static partial void ParticipantData(ILogger logger, string identity, string? topic, int length);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Chat socket connecting to {Uri}")]
    public static partial void Connecting(ILogger logger, string uri);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Chat socket open to {Uri}")]
    public static partial void Opened(ILogger logger, string uri);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Chat socket closed: {Reason} (status {CloseStatus}, {Description})")]
    public static partial void Closed(ILogger logger, DisconnectReason reason, int? closeStatus, string? description);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Chat socket dropped ({Reason}, status {CloseStatus}); reconnect attempt {Attempt} in {Delay}")]
    public static partial void Reconnecting(ILogger logger, DisconnectReason reason, int? closeStatus, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Socket} reconnect attempt {Attempt} failed")]
    public static partial void ReconnectFailed(ILogger logger, string socket, int attempt, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Chat socket received a malformed message ({Length} bytes)")]
    public static partial void Malformed(ILogger logger, long length);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "{Socket} discarded a message of more than {MaxBytes} bytes ({Length} bytes)")]
    public static partial void Oversized(ILogger logger, string socket, int maxBytes, long length);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Chat socket received an unexpected binary message ({Length} bytes)")]
    public static partial void UnexpectedBinary(ILogger logger, long length);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "{Socket} receive loop ended with an error")]
    public static partial void ReceiveFailed(ILogger logger, string socket, Exception exception);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "A WebSocket close handshake (chat or realtime audio socket) did not complete")]
    public static partial void CloseHandshakeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "An observer of the chat socket's events threw on {EventName}")]
    public static partial void ObserverFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Chat socket dropped {Count} voice chat audio frames while it was not open")]
    public static partial void AudioDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "{Socket} heard nothing from the server for {Seconds} s (no message, no pong); dropping the connection as a network loss")]
    public static partial void ServerSilent(ILogger logger, string socket, double seconds);

    // The id the realtime audio socket's keep-alive had before both sockets shared one core (ReconnectingWebSocket).
    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Socket} keep-alive failed: {Reason}")]
    public static partial void SocketKeepAliveFailed(ILogger logger, string socket, string reason);

    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "Voice chat pump stopped after {Chunks} chunks ({Reason})")]
    public static partial void PumpStopped(ILogger logger, long chunks, string reason);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Voice chat pump failed (reading the source or sending a chunk)")]
    public static partial void PumpFailed(ILogger logger, Exception exception);
}
