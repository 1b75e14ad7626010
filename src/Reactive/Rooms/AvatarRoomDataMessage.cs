namespace KonPro.Streaming.Rooms;

/// <summary>
/// One message received on the room's data channel, with who sent it. The room connector says who: only messages from
/// <see cref="AvatarRoomDataSender.Avatar"/> or <see cref="AvatarRoomDataSender.Server"/> are read as the avatar's
/// events; another participant's message is that participant's data (<see cref="StreamingAvatar.ParticipantData"/>),
/// never an avatar event.
/// </summary>
/// <param name="Payload">The message's bytes (the avatar's events are UTF-8 JSON with the event name in <c>type</c>).</param>
/// <param name="Sender">Who sent it, as the connector knows it.</param>
/// <param name="ParticipantIdentity">The sending participant's identity; null when the server sent it.</param>
/// <param name="Topic">The message's topic, when it had one.</param>
public sealed record AvatarRoomDataMessage(
    ReadOnlyMemory<byte> Payload,
    AvatarRoomDataSender Sender,
    string? ParticipantIdentity = null,
    string? Topic = null)
{
    /// <summary>The session the message arrived in (set by the SDK on <see cref="StreamingAvatar.ParticipantData"/>).</summary>
    public string? SessionId { get; init; }

    /// <summary>When the SDK received the message (set by the SDK on <see cref="StreamingAvatar.ParticipantData"/>, from its clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Who sent a room data message (see <see cref="AvatarRoomDataMessage"/>).</summary>
public enum AvatarRoomDataSender
{
    /// <summary>
    /// A participant that is not the avatar: another browser or device in the room, an agent with the session's agent
    /// token. Its messages are never the avatar's events. The default, so that a message nobody classified is not trusted.
    /// </summary>
    Participant = 0,

    /// <summary>The avatar's participant (for LiveKit: see <c>LiveKitRoomOptions.AvatarIdentity</c>).</summary>
    Avatar = 1,

    /// <summary>The room's server itself (no participant sent it).</summary>
    Server = 2,
}
