using System.Text.Json;

namespace KonPro.Streaming.Events;

/// <summary>
/// What the events of one connection share, held by every <see cref="StreamingEvent"/> as one reference: the session id,
/// the extra fields (almost always the shared empty dictionary), the offset of <see cref="StreamingEvent.ReceivedAt"/>
/// and, for an event stamped by a <see cref="ReceiveClock"/>, the anchor its time was derived from. A record keeps the
/// instant itself as UTC ticks beside it: 24 bytes where the session id, the dictionary and a
/// <see cref="DateTimeOffset"/> took 32.
/// </summary>
/// <remarks>
/// Equal when the session ids are equal and the extra fields are the same dictionary, as the records' own equality
/// compared those two before; the offset is left out, as <see cref="DateTimeOffset"/>'s equality leaves it out (same
/// instant, same value), and so is the anchor (how the time was read is not part of the event). Immutable: a record's
/// <c>init</c> makes a new one, so records that share one never see each other's changes.
/// </remarks>
internal sealed class EventContext : IEquatable<EventContext>
{
    /// <summary>No session, no extra fields, UTC, no anchor: the context of a record built by hand.</summary>
    internal static readonly EventContext None = new(null, StreamingEvent.NoExtraFields, TimeSpan.Zero, anchor: null);

    internal EventContext(string? sessionId, IReadOnlyDictionary<string, JsonElement> extraFields, TimeSpan offset, ClockAnchor? anchor)
    {
        SessionId = sessionId;
        ExtraFields = extraFields;
        Offset = offset;
        Anchor = anchor;
    }

    /// <summary>The session the events belong to.</summary>
    internal string? SessionId { get; }

    /// <summary>The events' fields that the records do not model.</summary>
    internal IReadOnlyDictionary<string, JsonElement> ExtraFields { get; }

    /// <summary>The offset <see cref="StreamingEvent.ReceivedAt"/> is given in.</summary>
    internal TimeSpan Offset { get; }

    /// <summary>
    /// The clock anchor the records' UTC ticks were derived from, or <see langword="null"/> when they were set any
    /// other way (by hand, by <c>with</c>): only then can the monotonic timestamp of their arrival be recovered.
    /// </summary>
    internal ClockAnchor? Anchor { get; }

    internal EventContext WithSessionId(string? sessionId) =>
        ReferenceEquals(sessionId, SessionId) ? this : new(sessionId, ExtraFields, Offset, Anchor);

    internal EventContext WithExtraFields(IReadOnlyDictionary<string, JsonElement> extraFields) =>
        ReferenceEquals(extraFields, ExtraFields) ? this : new(SessionId, extraFields, Offset, Anchor);

    // The time was set by hand: the anchor no longer says how it was read.
    internal EventContext WithTimeSetDirectly(TimeSpan offset) =>
        offset == Offset && Anchor is null ? this
        : offset == TimeSpan.Zero && Anchor is null && SessionId is null && ReferenceEquals(ExtraFields, StreamingEvent.NoExtraFields) ? None
        : new(SessionId, ExtraFields, offset, anchor: null);

    /// <summary>The instant <paramref name="utcTicks"/> in this context's offset.</summary>
    internal DateTimeOffset ToDateTimeOffset(long utcTicks) =>
        Offset == TimeSpan.Zero ? new DateTimeOffset(utcTicks, TimeSpan.Zero) : new DateTimeOffset(utcTicks + Offset.Ticks, Offset);

    /// <inheritdoc />
    public bool Equals(EventContext? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && string.Equals(SessionId, other.SessionId, StringComparison.Ordinal)
            && EqualityComparer<IReadOnlyDictionary<string, JsonElement>>.Default.Equals(ExtraFields, other.ExtraFields));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EventContext);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(
        SessionId is null ? 0 : StringComparer.Ordinal.GetHashCode(SessionId),
        EqualityComparer<IReadOnlyDictionary<string, JsonElement>>.Default.GetHashCode(ExtraFields!));
}
