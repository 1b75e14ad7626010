namespace KonPro.Streaming.Testing;

/// <summary>What a client did in a session's LiveKit room.</summary>
public enum RoomActivityKind
{
    /// <summary>A client joined the room (<see cref="RoomActivityRecord.Text"/>: its signalling protocol and SDK).</summary>
    ParticipantJoined,

    /// <summary>A client left the room, or the room closed (<see cref="RoomActivityRecord.Text"/>: why).</summary>
    ParticipantLeft,

    /// <summary>A client published a data packet that is a typed user message (<see cref="RoomActivityRecord.Text"/>: its payload).</summary>
    UserMessage,

    /// <summary>A client published <c>push_to_talk:start</c>.</summary>
    PushToTalkStart,

    /// <summary>A client published <c>push_to_talk:stop</c>.</summary>
    PushToTalkStop,

    /// <summary>A client published a track (a microphone, usually): <see cref="RoomActivityRecord.TrackSid"/>, <see cref="RoomActivityRecord.TrackKind"/>, <see cref="RoomActivityRecord.Text"/> its source.</summary>
    TrackPublished,

    /// <summary>Audio of a client's published track reached the room (one record per half second of it).</summary>
    AudioReceived,
}

/// <summary>One thing a client did in a session's LiveKit room, as the room saw it.</summary>
/// <param name="At">When the fake server learnt of it.</param>
/// <param name="SessionId">The session whose room it is.</param>
/// <param name="Identity">The client's identity (the access token's <c>sub</c>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Text">The data packet's payload, the track's source, or the join or leave detail.</param>
/// <param name="TrackSid">The published track's sid, for track and audio records.</param>
/// <param name="TrackKind"><c>audio</c> or <c>video</c>, for track and audio records.</param>
/// <param name="AudioSeconds">How many seconds of audio this record covers (audio records).</param>
/// <param name="AudioLevel">The RMS level of that audio, 0 (silence) to 1 (full scale).</param>
public sealed record RoomActivityRecord(
    DateTimeOffset At,
    string SessionId,
    string Identity,
    RoomActivityKind Kind,
    string? Text,
    string? TrackSid,
    string? TrackKind,
    double AudioSeconds,
    double AudioLevel);
