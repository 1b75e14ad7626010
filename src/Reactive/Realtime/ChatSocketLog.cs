using Microsoft.Extensions.Logging;

namespace KonPro.StreamingAvatar.Realtime;

/// <summary>The chat socket's and voice pump's log messages (event ids 4000-4099; the facade's Log uses 1000-3999). URLs are logged redacted.</summary>
internal static partial class ChatSocketLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Chat socket connecting to {Uri}")]
    internal static partial void Connecting(ILogger logger, string uri);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Chat socket open to {Uri}")]
    internal static partial void Opened(ILogger logger, string uri);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Chat socket closed: {Reason} (status {CloseStatus}, {Description})")]
    internal static partial void Closed(ILogger logger, DisconnectReason reason, int? closeStatus, string? description);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Chat socket dropped ({Reason}, status {CloseStatus}); reconnect attempt {Attempt} in {Delay}")]
    internal static partial void Reconnecting(ILogger logger, DisconnectReason reason, int? closeStatus, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Chat socket reconnect attempt {Attempt} failed")]
    internal static partial void ReconnectFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Chat socket received a malformed message ({Length} bytes)")]
    internal static partial void Malformed(ILogger logger, long length);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Chat socket discarded a message of more than {MaxBytes} bytes ({Length} bytes)")]
    internal static partial void Oversized(ILogger logger, int maxBytes, long length);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Chat socket received an unexpected binary message ({Length} bytes)")]
    internal static partial void UnexpectedBinary(ILogger logger, long length);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Chat socket receive loop ended with an error")]
    internal static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "Chat socket close handshake did not complete")]
    internal static partial void CloseHandshakeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "An observer of the chat socket's events threw on {EventName}")]
    internal static partial void ObserverFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Voice chat pump stopped after {Chunks} chunks ({Reason})")]
    internal static partial void PumpStopped(ILogger logger, long chunks, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Voice chat pump failed (reading the source or sending a chunk)")]
    internal static partial void PumpFailed(ILogger logger, Exception exception);
}
