using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>What a session's event says happened (the avatar's speech, the user's turn).</summary>
internal enum SessionEventKind
{
    AvatarStartTalking,
    AvatarTalkingMessage,
    AvatarEndMessage,
    AvatarStopTalking,
    UserStart,
    UserStop,
    UserTalkingMessage,
    UserEndMessage,
}

/// <summary>
/// One event of a session, typed: what the avatar and the user did, written to the session's outbox
/// (<see cref="FakeSession.Publish"/>) and rendered once by each channel that carries it (the chat socket's JSON, the
/// room's data message and talking state). A value type, so writing one allocates nothing.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="TaskId">The task or user turn it belongs to (none for <c>user_start</c> and <c>user_stop</c>).</param>
/// <param name="Message">The words of a talking message.</param>
/// <param name="DurationMs">How long the avatar spoke (<c>avatar_stop_talking</c> only), in model time.</param>
internal readonly record struct SessionEvent(SessionEventKind Kind, string? TaskId = null, string? Message = null, long DurationMs = 0)
{
    /// <summary>The event's wire name (<c>event_type</c> on the chat socket, <c>type</c> in the room).</summary>
    public string Name => Kind switch
    {
        SessionEventKind.AvatarStartTalking => ChatEventNames.AvatarStartTalking,
        SessionEventKind.AvatarTalkingMessage => ChatEventNames.AvatarTalkingMessage,
        SessionEventKind.AvatarEndMessage => ChatEventNames.AvatarEndMessage,
        SessionEventKind.AvatarStopTalking => ChatEventNames.AvatarStopTalking,
        SessionEventKind.UserStart => ChatEventNames.UserStart,
        SessionEventKind.UserStop => ChatEventNames.UserStop,
        SessionEventKind.UserTalkingMessage => ChatEventNames.UserTalkingMessage,
        SessionEventKind.UserEndMessage => ChatEventNames.UserEndMessage,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>Whether the event carries <c>duration_ms</c> (even when it is 0).</summary>
    public bool HasDuration => Kind == SessionEventKind.AvatarStopTalking;

    /// <summary>
    /// The events the reference service sends on the chat socket even when the room carries the rest
    /// (<c>user_silence</c>, the third, is the chat socket's own and never a session event).
    /// </summary>
    public bool IsChatSocketEvent => Kind is SessionEventKind.UserStart or SessionEventKind.UserStop;

    /// <summary>Whether the chat socket carries the event under <paramref name="delivery"/>.</summary>
    public bool GoesToChat(FakeEventDelivery delivery) => delivery != FakeEventDelivery.RoomOnly || IsChatSocketEvent;

    /// <summary>Whether the room's data channel carries the event under <paramref name="delivery"/>.</summary>
    public bool GoesToRoom(FakeEventDelivery delivery) => delivery != FakeEventDelivery.ChatOnly && !IsChatSocketEvent;
}

/// <summary>
/// A channel that carries a session's events to its clients (the chat sockets, the room, the realtime sockets): it
/// renders each event once, and hears of the session's start and close.
/// </summary>
internal interface ISessionEventSink
{
    /// <summary>An event the session wrote to its outbox; called in the order the session wrote them.</summary>
    void OnEvent(in SessionEvent sessionEvent);

    /// <summary>The session started (once, before any close).</summary>
    void OnStarted();

    /// <summary>The session closed with this status and reason (once).</summary>
    void OnClosed(int status, string reason);
}
