namespace KonPro.Streaming.Events;

/// <summary>
/// The names of the streaming events, as they travel on the wire (<c>event_type</c> on the chat socket,
/// <c>type</c> on the LiveKit data channel). Use them with <c>StreamingAvatar.On</c> and
/// <c>StreamingAvatar.Off</c>, or match on the typed records of <c>StreamingAvatar.Events</c>.
/// </summary>
public static class StreamingEvents
{
    /// <summary>The avatar began speaking a task.</summary>
    public const string AvatarStartTalking = Api.ChatEventNames.AvatarStartTalking;

    /// <summary>The avatar stopped speaking a task (finished or interrupted).</summary>
    public const string AvatarStopTalking = Api.ChatEventNames.AvatarStopTalking;

    /// <summary>A chunk of the words the avatar is speaking.</summary>
    public const string AvatarTalkingMessage = Api.ChatEventNames.AvatarTalkingMessage;

    /// <summary>The avatar sent the last chunk of a task's words.</summary>
    public const string AvatarEndMessage = Api.ChatEventNames.AvatarEndMessage;

    /// <summary>Transcribed user speech or a typed user message.</summary>
    public const string UserTalkingMessage = Api.ChatEventNames.UserTalkingMessage;

    /// <summary>The user's message is complete.</summary>
    public const string UserEndMessage = Api.ChatEventNames.UserEndMessage;

    /// <summary>User voice activity began.</summary>
    public const string UserStart = Api.ChatEventNames.UserStart;

    /// <summary>User voice activity ended.</summary>
    public const string UserStop = Api.ChatEventNames.UserStop;

    /// <summary>The user has been silent for a while (with the silence prompt enabled).</summary>
    public const string UserSilence = Api.ChatEventNames.UserSilence;

    /// <summary>The stream (room tracks or, without a room, the chat socket) is ready.</summary>
    public const string StreamReady = "stream_ready";

    /// <summary>The chat socket or room closed.</summary>
    public const string StreamDisconnected = "stream_disconnected";

    /// <summary>The connection quality changed.</summary>
    public const string ConnectionQualityChanged = "connection_quality_changed";

    /// <summary>
    /// The chat socket reconnected after a drop; events sent while it was down may be missing (a client event, like
    /// <see cref="StreamReady"/>: the SDK raises it and never takes it from the wire).
    /// </summary>
    public const string StreamReconnected = "stream_reconnected";
}
