using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.LiveKit;

/// <summary>Every log message of the LiveKit connector, with fixed event ids. Access tokens never get here.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "LiveKit FFI initialized ({Version}) in {ElapsedMs} ms")]
    public static partial void FfiInitialized(ILogger logger, string version, double elapsedMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "{Path} is on the PATH: LiveKit's core runs it at every room join (and rejoin) to report the operating system, which adds its run time to each join (72-98 ms on a 2-core machine); a host without it does not pay this (README, LiveKit)")]
    public static partial void OsProbeAtEveryJoin(ILogger logger, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "LiveKit FFI disposed")]
    public static partial void FfiDisposed(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "LiveKit's native core panicked: {Message}")]
    public static partial void FfiPanicked(ILogger logger, string message);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "A LiveKit event could not be read: {Reason}")]
    public static partial void EventUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "A LiveKit event handler threw while handling {EventCase}")]
    public static partial void HandlerThrew(ILogger logger, Exception exception, string eventCase);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Joined room {RoomName} at {Url} as {Identity}")]
    public static partial void RoomJoined(ILogger logger, string roomName, string url, string identity);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Subscribed to the {Kind} track {TrackSid} of {Identity}")]
    public static partial void TrackSubscribed(ILogger logger, string kind, string trackSid, string identity);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Left the room: {Reason} (LiveKit reason {RawReason})")]
    public static partial void RoomLeft(ILogger logger, DisconnectReason reason, string rawReason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Leaving the room did not finish cleanly: {Reason}")]
    public static partial void LeaveFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "A media subscriber threw; the frame was skipped")]
    public static partial void MediaSubscriberThrew(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "The microphone track stopped: {Reason}")]
    public static partial void MicrophoneFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "{Identity} publishes video: it is the avatar; only its data (and the server's) is read as the avatar's events")]
    public static partial void AvatarParticipant(ILogger logger, string identity);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "A subscriber of the room's streams threw while handling {Kind}; it was skipped")]
    public static partial void RoomSubscriberThrew(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "The room's subscribers fall behind: {Dropped} data messages dropped so far, the oldest first ({Capacity} may wait)")]
    public static partial void RoomDataDropped(ILogger logger, long dropped, int capacity);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "The subscribers of the avatar's {Kind} fall behind: {Dropped} frames dropped so far, the oldest first (counted in IAvatarRoom.Statistics)")]
    public static partial void MediaDropped(ILogger logger, string kind, long dropped);
}
