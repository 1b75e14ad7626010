using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing;

/// <content>The room's log messages (event ids from 100). None carries a token or the room secret.</content>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Fake LiveKit room listening on {Address}:{Port}")]
    public static partial void RoomStarted(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Room program: {Line}")]
    public static partial void RoomOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "A command to the room program failed")]
    public static partial void RoomCommandFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "{Identity} joined the room of session {SessionId}")]
    public static partial void RoomParticipantJoined(ILogger logger, string sessionId, string identity);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "{Identity} left the room of session {SessionId}: {Reason}")]
    public static partial void RoomParticipantLeft(ILogger logger, string sessionId, string identity, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "The room refused a join: {Reason}")]
    public static partial void RoomJoinRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "The room program reported an error: {Message}")]
    public static partial void RoomError(ILogger logger, string message);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void RoomInstall(ILogger logger, string line);
}
