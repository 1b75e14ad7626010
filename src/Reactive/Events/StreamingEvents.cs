namespace KonPro.StreamingAvatar;

/// <summary>
/// The names of the streaming events, as they travel on the wire (<c>event_type</c> on the chat socket,
/// <c>type</c> on the LiveKit data channel). Use them with <c>StreamingAvatar.On</c> and
/// <c>StreamingAvatar.Off</c>, or match on the typed records of <c>StreamingAvatar.Events</c>.
/// </summary>
public static class StreamingEvents
{
    /// <summary>The avatar began speaking a task.</summary>
    public const string AvatarStartTalking = "avatar_start_talking";

    /// <summary>The avatar stopped speaking a task (finished or interrupted).</summary>
    public const string AvatarStopTalking = "avatar_stop_talking";

    /// <summary>A chunk of the words the avatar is speaking.</summary>
    public const string AvatarTalkingMessage = "avatar_talking_message";

    /// <summary>The avatar sent the last chunk of a task's words.</summary>
    public const string AvatarEndMessage = "avatar_end_message";

    /// <summary>Transcribed user speech or a typed user message.</summary>
    public const string UserTalkingMessage = "user_talking_message";

    /// <summary>The user's message is complete.</summary>
    public const string UserEndMessage = "user_end_message";

    /// <summary>User voice activity began.</summary>
    public const string UserStart = "user_start";

    /// <summary>User voice activity ended.</summary>
    public const string UserStop = "user_stop";

    /// <summary>The user has been silent for a while (with the silence prompt enabled).</summary>
    public const string UserSilence = "user_silence";

    /// <summary>The stream (room tracks or, without a room, the chat socket) is ready.</summary>
    public const string StreamReady = "stream_ready";

    /// <summary>The chat socket or room closed.</summary>
    public const string StreamDisconnected = "stream_disconnected";

    /// <summary>The connection quality changed.</summary>
    public const string ConnectionQualityChanged = "connection_quality_changed";
}
