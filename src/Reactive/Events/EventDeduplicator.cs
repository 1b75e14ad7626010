namespace KonPro.StreamingAvatar;

/// <summary>
/// Drops events that arrive twice: the twin of an event from the other channel (chat socket and LiveKit data
/// channel carry the same events), a message resent on one channel within <see cref="RepeatWindow"/>, and a
/// second copy of an event that happens once per task (start, end, stop). Costs no allocation per event in steady
/// state: keys are value structs and the recent events live in a ring.
/// </summary>
internal sealed class CrossChannelDeduplicator
{
    private const int RecentCapacity = 512;
    private const int OnceCapacity = 1024;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Recent[] _recent = new Recent[RecentCapacity];
    private readonly Last[] _last = new Last[Enum.GetValues<EventChannel>().Length];
    private readonly HashSet<EventKey> _onceSeen = [];
    private readonly Queue<EventKey> _onceOrder = new();
    private int _recentStart;
    private int _recentCount;
    private int _channelsSeen;

    public CrossChannelDeduplicator(TimeProvider time) => _time = time;

    public bool ShouldDeliver(StreamingEvent evt, EventChannel channel)
    {
        if (channel == EventChannel.Client)
        {
            return true;
        }

        var key = EventKey.Of(evt);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _channelsSeen |= 1 << (int)channel;
            ref var last = ref _last[(int)channel];
            if (IsOncePerTask(evt))
            {
                if (!_onceSeen.Add(key))
                {
                    return false;
                }

                _onceOrder.Enqueue(key);
                if (_onceOrder.Count > OnceCapacity)
                {
                    _onceSeen.Remove(_onceOrder.Dequeue());
                }
            }
            else if (last.IsSet && last.Key == key && _time.GetElapsedTime(last.At, now) <= RepeatWindow)
            {
                return false;
            }

            last = new Last(true, key, now);
            ExpireOlderThanWindow(now);

            // Only when two channels deliver can an event have a twin to consume.
            if ((_channelsSeen & (_channelsSeen - 1)) != 0 && ConsumeTwin(key, channel))
            {
                return false;
            }

            Remember(new Recent(key, channel, now, Consumed: false));
            return true;
        }
    }

    private static bool IsOncePerTask(StreamingEvent evt) =>
        evt.TaskId is not null && evt is AvatarStartTalking or AvatarStopTalking or AvatarEndMessage or UserEndMessage;

    private void ExpireOlderThanWindow(long now)
    {
        while (_recentCount > 0 && _time.GetElapsedTime(_recent[_recentStart].At, now) > Window)
        {
            _recent[_recentStart] = default;
            _recentStart = (_recentStart + 1) % RecentCapacity;
            _recentCount--;
        }
    }

    private bool ConsumeTwin(EventKey key, EventChannel channel)
    {
        for (var i = 0; i < _recentCount; i++)
        {
            ref var entry = ref _recent[(_recentStart + i) % RecentCapacity];
            if (!entry.Consumed && entry.Channel != channel && entry.Key == key)
            {
                entry = entry with { Consumed = true };
                return true;
            }
        }

        return false;
    }

    private void Remember(Recent entry)
    {
        if (_recentCount == RecentCapacity)
        {
            _recentStart = (_recentStart + 1) % RecentCapacity;
            _recentCount--;
        }

        _recent[(_recentStart + _recentCount) % RecentCapacity] = entry;
        _recentCount++;
    }

    /// <summary>What makes two events the same event: name, task, and the payload that tells copies from new events.</summary>
    internal readonly record struct EventKey(string Name, string? TaskId, string? Text, long Number)
    {
        public static EventKey Of(StreamingEvent evt) => evt switch
        {
            AvatarTalkingMessage m => new(m.Name, m.TaskId, m.Message, 0),
            UserTalkingMessage m => new(m.Name, m.TaskId, m.Message, 0),
            UserSilence s => new(s.Name, s.TaskId, null, ((long)s.SilenceTimes << 32) | (uint)s.CountDown),
            ConnectionQualityChanged q => new(q.Name, q.TaskId, null, (long)q.Quality),
            UnknownStreamingEvent u => new(u.Name, u.TaskId, u.RawJson, 0),
            _ => new(evt.Name, evt.TaskId, null, 0),
        };
    }

    private readonly record struct Recent(EventKey Key, EventChannel Channel, long At, bool Consumed);

    private readonly record struct Last(bool IsSet, EventKey Key, long At);
}
