namespace KonPro.Streaming.Events;

/// <summary>
/// The SDK's one definition of "the same event" (the roomData channel of openapi/konpro-chat.asyncapi.yaml): an event
/// that arrives on both the chat socket and the room's data channel is delivered once; identical consecutive events
/// on one channel are different events (the same word spoken twice). So an event is dropped only when it is the twin
/// of an event that arrived on the other channel within <see cref="Window"/> and has not been paired yet; copies pair
/// one to one.
/// </summary>
/// <remarks>
/// Costs no allocation per event in steady state: keys are value structs and the recent events live in a ring. The
/// ring starts with room for <see cref="InitialCapacity"/> events and doubles when a burst fills it, up to
/// <see cref="MaxCapacity"/>: a session keeps one, and one sized for the worst burst (then 48 B an event, 24.6 KB for 512;
/// now 24 B, 12.3 KB) was the largest share of an idle session's memory.
/// Times come from the session's <see cref="TimeProvider"/> (the clock of every timestamp in the SDK): the monotonic
/// timestamp each event was stamped with on arrival (<see cref="StreamingEvent.TryGetArrival"/>), read once per message
/// by its connection, and the provider's own for events built any other way.
/// Not thread-safe and takes no lock of its own: <see cref="EventIngest"/> calls it under its gate, the one lock of
/// an event's way to the subscribers.
/// </remarks>
internal sealed class EventDeduplicator
{
    /// <summary>How far apart the two channels' copies of one event may arrive.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>The ring's first size (a power of two, as <see cref="MaxCapacity"/>: the ring doubles from one to the other).</summary>
    internal const int InitialCapacity = 8;

    /// <summary>The most events the ring remembers; beyond it the oldest is forgotten, window or not.</summary>
    internal const int MaxCapacity = 512;

    private readonly TimeProvider _time;
    private readonly long _windowInTimestampUnits;
    private Recent[] _recent = new Recent[InitialCapacity]; // a power of two long: indexes wrap with a mask
    private int _recentStart;
    private int _recentCount;
    private int _channelsSeen;

    public EventDeduplicator(TimeProvider time)
    {
        _time = time;
        _windowInTimestampUnits = (long)(Window.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>How many events the ring has room for now (it grows with the bursts it sees).</summary>
    internal int Capacity => _recent.Length;

    /// <summary>Whether <paramref name="evt"/>, just arrived on <paramref name="channel"/>, is a new event.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="channel">Where it came from; events the SDK builds itself always pass.</param>
    /// <returns><see langword="false"/> when it is the other channel's copy of an event already delivered.</returns>
    public bool ShouldDeliver(StreamingEvent evt, EventChannel channel)
    {
        if (channel == EventChannel.Client)
        {
            return true;
        }

        // An event stamped by its connection's ReceiveClock carries its arrival's timestamp: no clock read here (ADR 0019).
        var now = evt.TryGetArrival(_time, out var arrived) ? arrived : _time.GetTimestamp();
        _channelsSeen |= 1 << (int)channel;
        ExpireOlderThanWindow(now);

        // Only when two channels deliver can an event have a twin to consume; until then no key is made at all.
        if ((_channelsSeen & (_channelsSeen - 1)) != 0 && ConsumeTwin(evt, channel))
        {
            return false;
        }

        Remember(new Recent(evt, channel, now, Consumed: false));
        return true;
    }

    private void ExpireOlderThanWindow(long now)
    {
        // The window in the provider's timestamp units: what GetElapsedTime(At, now) > Window says, without its
        // division on every event.
        while (_recentCount > 0 && now - _recent[_recentStart].At > _windowInTimestampUnits)
        {
            _recent[_recentStart] = default;
            _recentStart = (_recentStart + 1) & (_recent.Length - 1);
            _recentCount--;
        }
    }

    private bool ConsumeTwin(StreamingEvent evt, EventChannel channel)
    {
        var key = EventKey.Of(evt);
        var type = evt.GetType();
        for (var i = 0; i < _recentCount; i++)
        {
            ref var entry = ref _recent[(_recentStart + i) & (_recent.Length - 1)];
            // Twins are of one record type (the name decides the type, and the key holds the name): a cheap look first.
            if (!entry.Consumed && entry.Channel != channel && entry.Event.GetType() == type && EventKey.Of(entry.Event) == key)
            {
                entry = entry with { Consumed = true };
                return true;
            }
        }

        return false;
    }

    private void Remember(Recent entry)
    {
        if (_recentCount == _recent.Length)
        {
            if (_recent.Length < MaxCapacity)
            {
                Grow();
            }
            else
            {
                _recentStart = (_recentStart + 1) & (_recent.Length - 1);
                _recentCount--;
            }
        }

        _recent[(_recentStart + _recentCount) & (_recent.Length - 1)] = entry;
        _recentCount++;
    }

    // Doubles the ring (it is full), oldest first from index 0.
    private void Grow()
    {
        var larger = new Recent[Math.Min(_recent.Length * 2, MaxCapacity)];
        var head = _recent.Length - _recentStart;
        Array.Copy(_recent, _recentStart, larger, 0, head);
        Array.Copy(_recent, 0, larger, head, _recentStart);
        _recent = larger;
        _recentStart = 0;
    }

    /// <summary>
    /// What makes two copies one event: name, task and payload (message, duration, counters, quality, the raw JSON of
    /// an unknown event). The arrival time, the session id and the property that named the event (which differs
    /// between the channels) do not count.
    /// </summary>
    internal readonly record struct EventKey(string Name, string? TaskId, string? Text, long Number)
    {
        public static EventKey Of(StreamingEvent evt) => evt switch
        {
            AvatarTalkingMessage m => new(m.Name, m.TaskId, m.Message, 0),
            UserTalkingMessage m => new(m.Name, m.TaskId, m.Message, 0),
            AvatarStopTalking s => new(s.Name, s.TaskId, null, s.DurationMs),
            UserSilence s => new(s.Name, s.TaskId, null, ((long)s.SilenceTimes << 32) | (uint)s.CountDown),
            ConnectionQualityChanged q => new(q.Name, q.TaskId, null, (long)q.Quality),
            UnknownStreamingEvent u => new(u.Name, u.TaskId, u.RawJson, 0),
            _ => new(evt.Name, evt.TaskId, null, 0),
        };
    }

    // The event itself rather than its key: one reference written into the ring per event where the key was three (each
    // a write barrier, and a card for the collector to scan), 24 B a slot where the key's entry was 48, and no key made
    // for a session whose events come on one channel only (ConsumeTwin makes them). The event keeps alive only what its
    // key did besides itself (its strings; the context is the connection's), for the window or the ring's length.
    private readonly record struct Recent(StreamingEvent Event, EventChannel Channel, long At, bool Consumed);
}
