using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing;

/// <content>Record and replay's log messages (event ids from 200). None carries a key or a token.</content>
internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Recording {Upstream} into {Directory}")]
    public static partial void RecordingStarted(ILogger logger, Uri upstream, string directory);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Replaying the recording in {Directory}")]
    public static partial void ReplayStarted(ILogger logger, string directory);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "The upstream refused the chat socket: {Reason}")]
    public static partial void RecordChatUpstreamFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Recording chat socket {Socket} of session {SessionId}")]
    public static partial void RecordChatOpened(ILogger logger, string sessionId, int socket);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Replayed session {SessionId} replays recorded session {RecordedId}")]
    public static partial void ReplaySessionStarted(ILogger logger, string sessionId, string recordedId);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "The recording has no answer for {Request}")]
    public static partial void ReplayMissing(ILogger logger, string request);
}
