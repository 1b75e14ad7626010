using System.Collections.Frozen;
using System.Text.Json;
using KonPro.Streaming.Speaking;

namespace KonPro.Streaming.Events;

/// <summary>
/// One real-time event of a streaming avatar session. Every event of the protocol has a sealed subclass, and only the
/// SDK defines them (the hierarchy is closed); events the SDK does not know arrive as <see cref="UnknownStreamingEvent"/>. Fields the SDK does not know
/// are kept in <see cref="ExtraFields"/>.
/// </summary>
public abstract record StreamingEvent
{
    /// <summary>The shared empty <see cref="ExtraFields"/> of events without unknown fields.</summary>
    internal static readonly IReadOnlyDictionary<string, JsonElement> NoExtraFields =
        FrozenDictionary<string, JsonElement>.Empty;

    // The hierarchy is closed: the protocol's events are the sealed records below, anything else is UnknownStreamingEvent.
    private protected StreamingEvent()
    {
    }

    /// <summary>The event's wire name, one of <see cref="StreamingEvents"/> (or any name, for unknown events).</summary>
    public abstract string Name { get; }

    // The session id, the extra fields and ReceivedAt's offset live in one context shared by the events of a
    // connection, the instant as UTC ticks: 24 bytes where the three properties' own fields took 32 (EventContext).
    // The records' equality compares these fields: EventContext's equality is the session id's and the dictionary's,
    // and the ticks are the instant, which is what DateTimeOffset's equality compares.
    private EventContext _context = EventContext.None;
    private long _receivedAtUtcTicks;

    /// <summary>The task the event belongs to, when it has one.</summary>
    public string? TaskId { get; init; }

    /// <summary>The session the event belongs to.</summary>
    public string? SessionId
    {
        get => _context.SessionId;
        init => _context = _context.WithSessionId(value);
    }

    /// <summary>When the SDK received the event (from the client's <see cref="TimeProvider"/>).</summary>
    /// <remarks>
    /// For a received message and the system clock, derived from the monotonic clock read on arrival and a wall-clock
    /// reading taken at most a second earlier: it may differ from <see cref="TimeProvider.GetUtcNow"/> at that moment
    /// by the wall clock's drift over that second. Any other <see cref="TimeProvider"/> is asked for its wall clock.
    /// </remarks>
    public DateTimeOffset ReceivedAt
    {
        get => _context.ToDateTimeOffset(_receivedAtUtcTicks);
        init
        {
            _receivedAtUtcTicks = value.UtcTicks;
            _context = _context.WithTimeSetDirectly(value.Offset);
        }
    }

    /// <summary>Fields of the wire message that this record does not model, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> ExtraFields
    {
        get => _context.ExtraFields;
        init => _context = _context.WithExtraFields(value);
    }

    /// <summary>The shared context (session id, extra fields, offset, clock anchor); the parser sets it whole.</summary>
    internal EventContext Context
    {
        get => _context;
        init => _context = value;
    }

    /// <summary><see cref="ReceivedAt"/> in UTC ticks; set with <see cref="Context"/>, whose anchor it was derived from.</summary>
    internal long ReceivedAtUtcTicks
    {
        get => _receivedAtUtcTicks;
        init => _receivedAtUtcTicks = value;
    }

    /// <summary>
    /// The monotonic timestamp (of <paramref name="time"/>) at which the event arrived, when its time was stamped by a
    /// <see cref="ReceiveClock"/> of that provider; <see langword="false"/> for events built any other way.
    /// </summary>
    internal bool TryGetArrival(TimeProvider time, out long timestamp)
    {
        if (_context.Anchor is { } anchor && ReferenceEquals(anchor.Time, time))
        {
            timestamp = anchor.TimestampAt(_receivedAtUtcTicks);
            return true;
        }

        timestamp = 0;
        return false;
    }
}

/// <summary>The avatar began speaking a task (<c>avatar_start_talking</c>).</summary>
public sealed record AvatarStartTalking : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.AvatarStartTalking;
}

/// <summary>A chunk of the words the avatar is speaking (<c>avatar_talking_message</c>).</summary>
public sealed record AvatarTalkingMessage : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.AvatarTalkingMessage;

    /// <summary>The chunk of words.</summary>
    public string Message { get; init; } = string.Empty;
}

/// <summary>The avatar sent the last chunk of a task's words (<c>avatar_end_message</c>).</summary>
public sealed record AvatarEndMessage : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.AvatarEndMessage;
}

/// <summary>The avatar stopped speaking a task (<c>avatar_stop_talking</c>).</summary>
public sealed record AvatarStopTalking : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.AvatarStopTalking;

    /// <summary>How long the avatar spoke, in milliseconds (less than planned when interrupted).</summary>
    public long DurationMs { get; init; }
}

/// <summary>User voice activity began (<c>user_start</c>).</summary>
public sealed record UserStart : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.UserStart;
}

/// <summary>User voice activity ended (<c>user_stop</c>).</summary>
public sealed record UserStop : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.UserStop;
}

/// <summary>Transcribed user speech or a typed user message (<c>user_talking_message</c>).</summary>
public sealed record UserTalkingMessage : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.UserTalkingMessage;

    /// <summary>What the user said or typed.</summary>
    public string Message { get; init; } = string.Empty;
}

/// <summary>The user's message is complete (<c>user_end_message</c>).</summary>
public sealed record UserEndMessage : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.UserEndMessage;
}

/// <summary>The user has been silent for a while (<c>user_silence</c>).</summary>
public sealed record UserSilence : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.UserSilence;

    /// <summary>How many silence prompts have been given so far.</summary>
    public int SilenceTimes { get; init; }

    /// <summary>The server's count-down before it acts on the silence.</summary>
    public int CountDown { get; init; }
}

/// <summary>The stream is ready (<c>stream_ready</c>): the chat socket is open or, with a room, its tracks are subscribed.</summary>
public sealed record StreamReady : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.StreamReady;
}

/// <summary>The chat socket or room closed (<c>stream_disconnected</c>).</summary>
public sealed record StreamDisconnected : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.StreamDisconnected;

    /// <summary>Why the stream closed.</summary>
    public DisconnectReason Reason { get; init; }

    /// <summary>The WebSocket close status, when the server sent one.</summary>
    public int? CloseStatus { get; init; }

    /// <summary>The WebSocket close reason text, when the server sent one.</summary>
    public string? CloseDescription { get; init; }
}

/// <summary>The connection quality changed (<c>connection_quality_changed</c>).</summary>
public sealed record ConnectionQualityChanged : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.ConnectionQualityChanged;

    /// <summary>The new quality.</summary>
    public ConnectionQuality Quality { get; init; }
}

/// <summary>
/// The chat socket dropped and has reconnected (<c>stream_reconnected</c>): events the server sent on it between
/// <see cref="GapStart"/> and <see cref="GapEnd"/> may be missing, since the protocol has no replay. The SDK raises it
/// itself, before any event of the new connection, and never takes it from the wire. The transcript operators mark
/// the turns that span the gap (<see cref="TranscriptEntry.MayBeIncomplete"/>, <see cref="AvatarUtterance.MayBeIncomplete"/>),
/// and speak handles pending across it end at most their bounded wait later (<see cref="SpeakOutcome.Unknown"/>).
/// </summary>
public sealed record StreamReconnected : StreamingEvent
{
    /// <inheritdoc />
    public override string Name => StreamingEvents.StreamReconnected;

    /// <summary>When the SDK noticed the drop (from then on the server's events may not have arrived).</summary>
    public DateTimeOffset GapStart { get; init; }

    /// <summary>When the socket was open again (the same instant as <see cref="StreamingEvent.ReceivedAt"/>).</summary>
    public DateTimeOffset GapEnd { get; init; }

    /// <summary>Why the socket dropped (a reason the SDK reconnects after, such as <see cref="DisconnectReason.NetworkLost"/>).</summary>
    public DisconnectReason Reason { get; init; }

    /// <summary>How many connection attempts the reconnect took (1 when the first one succeeded).</summary>
    public int Attempts { get; init; }
}

/// <summary>An event whose name the SDK does not know; it is passed through, never dropped.</summary>
public sealed record UnknownStreamingEvent : StreamingEvent
{
    /// <summary>Creates an unknown event with its wire name and raw JSON.</summary>
    /// <param name="name">The wire name of the event.</param>
    /// <param name="rawJson">The whole wire message.</param>
    public UnknownStreamingEvent(string name, string rawJson)
    {
        EventName = name;
        RawJson = rawJson;
    }

    private string EventName { get; }

    /// <inheritdoc />
    public override string Name => EventName;

    /// <summary>The whole wire message, as received.</summary>
    public string RawJson { get; }
}
