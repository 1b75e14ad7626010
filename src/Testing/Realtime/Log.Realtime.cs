using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing;

/// <summary>The realtime audio socket's log messages (ids 400 and up), in the assembly's one <c>Log</c> class.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Realtime audio socket opened for session {SessionId}")]
    public static partial void RealtimeOpened(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Realtime audio socket refused: {Reason}")]
    public static partial void RealtimeRefused(ILogger logger, string reason);
}
