namespace KonPro.Streaming.Events;

/// <summary>
/// The clock of a connection's arrivals (ADR 0019): one <see cref="TimeProvider.GetTimestamp"/> per message, the
/// wall-clock <see cref="StreamingEvent.ReceivedAt"/> derived from it through an anchor (a
/// <see cref="TimeProvider.GetUtcNow"/> read beside a timestamp) that is read again once <see cref="ReanchorAfter"/> of
/// monotonic time has passed since the last one, or when the timestamp runs backwards. Between two anchors
/// <c>ReceivedAt</c> may differ from what <c>GetUtcNow</c> would have said by the wall clock's own drift or step
/// over that interval (a few microseconds a second on a synchronized clock); a step of the wall clock shows from the
/// next anchor on. The monotonic timestamp stays recoverable from the record (<see cref="StreamingEvent.TryGetArrival"/>),
/// so the deduplicator's window reads no clock of its own.
/// </summary>
/// <remarks>
/// Thread-safe without a lock: the anchor is an immutable object swapped whole; two threads re-anchoring at once both
/// make a valid one. Only <see cref="TimeProvider.System"/> is derived from by default: another provider defines
/// its two clocks as it likes (a test's frozen <c>GetUtcNow</c> beside a running timestamp), so for it the clock reads
/// <c>GetUtcNow</c> for every message, as before, and re-anchors on each (see <see cref="ReceiveClock(TimeProvider, bool)"/>).
/// </remarks>
internal sealed class ReceiveClock
{
    /// <summary>How much monotonic time may pass before the wall clock is read again.</summary>
    internal static readonly TimeSpan ReanchorAfter = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly bool _derive;
    private readonly long _reanchorAfterTimestampUnits;
    private ClockAnchor? _anchor;

    /// <summary>A clock on <paramref name="time"/>, deriving wall-clock time only from the system provider.</summary>
    /// <param name="time">The session's time provider.</param>
    public ReceiveClock(TimeProvider time)
        : this(time, derive: ReferenceEquals(time, TimeProvider.System))
    {
    }

    /// <summary>A clock on <paramref name="time"/>.</summary>
    /// <param name="time">The session's time provider.</param>
    /// <param name="derive">Whether to derive the wall-clock time from the timestamp between anchors (otherwise every message reads both).</param>
    internal ReceiveClock(TimeProvider time, bool derive)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _derive = derive;
        _reanchorAfterTimestampUnits = (long)(ReanchorAfter.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The provider the clock reads.</summary>
    internal TimeProvider Time => _time;

    /// <summary>Reads the monotonic clock once and stamps an arrival with it.</summary>
    /// <returns>The arrival's time.</returns>
    public ReceiveStamp Now() => At(_time.GetTimestamp());

    /// <summary>Stamps an arrival at <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> of this clock's provider, already read).</summary>
    /// <param name="timestamp">When the message arrived, on the monotonic clock.</param>
    /// <returns>The arrival's time.</returns>
    public ReceiveStamp At(long timestamp)
    {
        var anchor = Volatile.Read(ref _anchor);
        if (_derive && anchor is not null && timestamp >= anchor.Timestamp && timestamp - anchor.Timestamp < _reanchorAfterTimestampUnits)
        {
            return new ReceiveStamp(anchor.UtcTicksAt(timestamp), anchor);
        }

        var utcTicks = _time.GetUtcNow().UtcTicks;
        if (_derive || anchor is null || timestamp < anchor.Timestamp || anchor.UtcTicksAt(timestamp) != utcTicks)
        {
            // Deriving, a new anchor (at most once a second). Otherwise the first reading, or one the last anchor does
            // not predict (a test's clock was set): a provider whose two clocks run together (FakeTimeProvider) keeps
            // one anchor and allocates nothing.
            anchor = new ClockAnchor(_time, timestamp, utcTicks);
            Volatile.Write(ref _anchor, anchor);
        }

        return new ReceiveStamp(utcTicks, anchor);
    }
}

/// <summary>
/// A wall-clock reading beside the monotonic timestamp it was read at: UTC ticks of later timestamps are derived from
/// it, and timestamps recovered from those ticks. Immutable.
/// </summary>
internal sealed class ClockAnchor
{
    private readonly bool _ticksAreTimestamps;
    private readonly double _ticksPerTimestamp;
    private readonly double _timestampsPerTick;

    internal ClockAnchor(TimeProvider time, long timestamp, long utcTicks)
    {
        Time = time;
        Timestamp = timestamp;
        UtcTicks = utcTicks;
        var frequency = time.TimestampFrequency;
        _ticksAreTimestamps = frequency == TimeSpan.TicksPerSecond;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / frequency;
        _timestampsPerTick = (double)frequency / TimeSpan.TicksPerSecond;
    }

    /// <summary>The provider both readings came from.</summary>
    internal TimeProvider Time { get; }

    /// <summary>The monotonic timestamp of the reading.</summary>
    internal long Timestamp { get; }

    /// <summary>The wall-clock time of the reading, in UTC ticks.</summary>
    internal long UtcTicks { get; }

    /// <summary>The wall-clock time of <paramref name="timestamp"/> (not before this anchor), in UTC ticks.</summary>
    internal long UtcTicksAt(long timestamp)
    {
        var elapsed = timestamp - Timestamp;
        return _ticksAreTimestamps ? UtcTicks + elapsed : UtcTicks + (long)(elapsed * _ticksPerTimestamp);
    }

    /// <summary>The monotonic timestamp of <paramref name="utcTicks"/> (a value of <see cref="UtcTicksAt"/>), to the tick.</summary>
    internal long TimestampAt(long utcTicks)
    {
        var elapsed = utcTicks - UtcTicks;
        return _ticksAreTimestamps ? Timestamp + elapsed : Timestamp + (long)(elapsed * _timestampsPerTick);
    }
}

/// <summary>When a message arrived: its UTC ticks and the anchor they were derived from.</summary>
/// <param name="UtcTicks">The arrival's wall-clock time, in UTC ticks.</param>
/// <param name="Anchor">The anchor <paramref name="UtcTicks"/> was derived from.</param>
internal readonly record struct ReceiveStamp(long UtcTicks, ClockAnchor Anchor)
{
    /// <summary>The arrival as a UTC <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset UtcDateTime => new(UtcTicks, TimeSpan.Zero);
}
