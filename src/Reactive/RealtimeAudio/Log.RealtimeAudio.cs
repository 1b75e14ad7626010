using Microsoft.Extensions.Logging;

namespace KonPro.Streaming;

/// <summary>The realtime audio socket's log messages (ids 4100 and up). The endpoint is always redacted.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Realtime audio socket connecting to {Endpoint}")]
    public static partial void RealtimeAudioConnecting(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Realtime audio socket closed: {CloseStatus} {CloseDescription}")]
    public static partial void RealtimeAudioClosed(ILogger logger, int? closeStatus, string? closeDescription);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Realtime audio socket refused a message: {Code} {Reason}")]
    public static partial void RealtimeAudioRefused(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Realtime audio socket lost ({Reason}); reconnect attempt {Attempt} in {DelayMs} ms")]
    public static partial void RealtimeAudioReconnecting(ILogger logger, string reason, int attempt, double delayMs);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "An observer of the realtime audio socket threw on {EventName}; the other observers still get it")]
    public static partial void RealtimeAudioObserverFailed(ILogger logger, Exception exception, string eventName);
}
