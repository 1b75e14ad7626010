using KonPro.Streaming;

namespace KonPro.AvatarWeb;

/// <summary>The sample's log messages (fixed event ids). Never a key or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "KonPro offline: the fake KonPro service runs inside the app at {BaseUrl} (room: {Room})")]
    public static partial void Offline(ILogger logger, string baseUrl, bool room);

    [LoggerMessage(2, LogLevel.Information, "Session {Id} started: KonPro session {SessionId}, {Room}")]
    public static partial void SessionStarted(ILogger logger, string id, string sessionId, RoomCredentials room);

    [LoggerMessage(3, LogLevel.Information, "Session {Id} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string id, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Session {Id}: stopping the avatar failed ({Error})")]
    public static partial void StopFailed(ILogger logger, string id, string error);

    [LoggerMessage(5, LogLevel.Warning, "Session {Id}: the answer to a typed message failed ({Error})")]
    public static partial void AnswerFailed(ILogger logger, string id, string error);

    [LoggerMessage(6, LogLevel.Information, "The model: {Model}")]
    public static partial void Model(ILogger logger, string model);
}
