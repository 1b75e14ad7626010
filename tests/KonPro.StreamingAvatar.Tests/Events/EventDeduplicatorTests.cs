using KonPro.Streaming.Events;

namespace KonPro.Streaming.Tests.Events;

public sealed class EventDeduplicatorTests
{
    [Fact]
    public void The_same_event_from_the_other_channel_is_dropped_once()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "Hello" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(evt with { ReceivedAt = DateTimeOffset.UtcNow }, EventChannel.Room).Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(evt, EventChannel.Room).Should().BeTrue("the twin was consumed; a later copy is a new event");
    }

    [Fact]
    public void Identical_consecutive_events_on_one_channel_are_all_delivered()
    {
        var dedup = new EventDeduplicator(new ManualTime());
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "no no no" };

        Enumerable.Range(0, 4).Select(_ => dedup.ShouldDeliver(evt, EventChannel.ChatSocket)).Should().Equal(true, true, true, true);
        Enumerable.Range(0, 4).Select(_ => dedup.ShouldDeliver(evt, EventChannel.Room))
            .Should().Equal([false, false, false, false], "each room copy pairs with one chat copy");
    }

    [Fact]
    public void Copies_pair_one_to_one_across_channels_in_any_order()
    {
        var dedup = new EventDeduplicator(new ManualTime());
        var the = new AvatarTalkingMessage { TaskId = "t", Message = "the" };

        var delivered = new[]
        {
            dedup.ShouldDeliver(the, EventChannel.ChatSocket),
            dedup.ShouldDeliver(the, EventChannel.Room),
            dedup.ShouldDeliver(the, EventChannel.Room),
            dedup.ShouldDeliver(the, EventChannel.ChatSocket),
        };

        delivered.Should().Equal(true, false, true, false);
    }

    [Fact]
    public void A_copy_from_the_other_channel_outside_the_window_is_a_new_event()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        var evt = new AvatarTalkingMessage { TaskId = "t", Message = "hi" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        time.Advance(EventDeduplicator.Window + TimeSpan.FromMilliseconds(1));
        dedup.ShouldDeliver(evt, EventChannel.Room).Should().BeTrue();
    }

    [Theory]
    [InlineData(1_000_000_000L)] // Stopwatch's frequency on Linux
    [InlineData(TimeSpan.TicksPerSecond)]
    public void The_window_ends_exactly_five_seconds_after_the_first_copy_whatever_the_timestamp_frequency(long frequency)
    {
        foreach (var (after, twin) in new[] { (EventDeduplicator.Window, true), (EventDeduplicator.Window + TimeSpan.FromTicks(1), false) })
        {
            var time = new ManualTime(frequency);
            var dedup = new EventDeduplicator(time);
            var evt = new AvatarTalkingMessage { TaskId = "t", Message = "hi" };

            dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
            time.Advance(after);
            dedup.ShouldDeliver(evt, EventChannel.Room).Should().Be(!twin, $"{after} after the first copy");
        }
    }

    [Fact]
    public void Different_unknown_events_of_the_same_length_are_all_delivered()
    {
        var dedup = new EventDeduplicator(new ManualTime());

        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":1}"""), EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":2}"""), EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":2}"""), EventChannel.Room)
            .Should().BeFalse("the room's copy of an identical event is a duplicate");
    }

    [Fact]
    public void Checking_an_event_allocates_nothing_in_steady_state()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        var events = Enumerable.Range(0, 64).Select(i => new AvatarTalkingMessage { TaskId = "t1", Message = $"chunk {i}" }).ToArray();

        // Warm up as the measurement runs, so the ring has grown to what the window holds (the growth is once).
        for (var round = 0; round < 10; round++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var evt in events)
            {
                dedup.ShouldDeliver(evt, EventChannel.ChatSocket);
                dedup.ShouldDeliver(evt, EventChannel.Room);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 20; round++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var evt in events)
            {
                dedup.ShouldDeliver(evt, EventChannel.ChatSocket);
                dedup.ShouldDeliver(evt, EventChannel.Room);
            }
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void A_new_deduplicator_takes_well_under_a_kilobyte()
    {
        var time = new ManualTime();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var dedup = new EventDeduplicator(time);

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1024, "every session keeps one, mostly idle");
        dedup.Capacity.Should().Be(EventDeduplicator.InitialCapacity);
    }

    [Fact]
    public void A_burst_that_outgrows_a_wrapped_ring_keeps_every_event_in_order()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        foreach (var i in Enumerable.Range(0, 6))
        {
            dedup.ShouldDeliver(Chunk("old", i), EventChannel.ChatSocket).Should().BeTrue();
        }

        // The old events expire as the burst begins, so the burst starts mid-ring and wraps before the ring grows.
        time.Advance(EventDeduplicator.Window + TimeSpan.FromSeconds(1));
        foreach (var i in Enumerable.Range(0, 100))
        {
            dedup.ShouldDeliver(Chunk("burst", i), EventChannel.ChatSocket).Should().BeTrue();
        }

        dedup.Capacity.Should().Be(128);
        foreach (var i in Enumerable.Range(0, 100))
        {
            dedup.ShouldDeliver(Chunk("burst", i), EventChannel.Room).Should().BeFalse($"burst chunk {i} has its twin in the ring");
        }

        dedup.ShouldDeliver(Chunk("burst", 0), EventChannel.Room).Should().BeTrue("each twin pairs once");
        dedup.ShouldDeliver(Chunk("old", 0), EventChannel.Room).Should().BeTrue("the old events expired");
    }

    [Fact]
    public void Beyond_the_largest_ring_the_oldest_events_are_forgotten()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        var count = EventDeduplicator.MaxCapacity + 88;
        foreach (var i in Enumerable.Range(0, count))
        {
            dedup.ShouldDeliver(Chunk("c", i), EventChannel.ChatSocket);
        }

        dedup.Capacity.Should().Be(EventDeduplicator.MaxCapacity);
        dedup.ShouldDeliver(Chunk("c", 88), EventChannel.Room).Should().BeFalse();
        dedup.ShouldDeliver(Chunk("c", count - 1), EventChannel.Room).Should().BeFalse();
        dedup.ShouldDeliver(Chunk("c", 87), EventChannel.Room).Should().BeTrue("the 88 oldest were forgotten");
    }

    private static AvatarTalkingMessage Chunk(string prefix, int i) => new() { TaskId = "t1", Message = $"{prefix} {i}" };

    [Fact]
    public void A_task_that_starts_and_stops_on_both_channels_starts_and_stops_once()
    {
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);

        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket).Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t1" }, EventChannel.Room).Should().BeFalse();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 5 }, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 5 }, EventChannel.Room).Should().BeFalse();
    }

    [Fact]
    public void Events_the_client_builds_always_pass()
    {
        var dedup = new EventDeduplicator(new ManualTime());
        var ready = new StreamReady { SessionId = "s" };

        dedup.ShouldDeliver(ready, EventChannel.Client).Should().BeTrue();
        dedup.ShouldDeliver(ready, EventChannel.Client).Should().BeTrue();
    }

    [Fact]
    public void Different_payloads_are_different_events()
    {
        var dedup = new EventDeduplicator(TimeProvider.System);

        dedup.ShouldDeliver(new AvatarTalkingMessage { TaskId = "t1", Message = "a" }, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarTalkingMessage { TaskId = "t1", Message = "b" }, EventChannel.Room).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarTalkingMessage { TaskId = "t2", Message = "a" }, EventChannel.Room).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 5 }, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 6 }, EventChannel.Room).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t2" }, EventChannel.Room).Should().BeTrue();
    }

    [Fact]
    public void Events_of_a_session_that_had_one_channel_pair_with_their_copies_once_the_second_channel_delivers()
    {
        // The ring keeps a one-channel session's events without their keys; the keys are made when the other channel's
        // copies come, and every kind of payload still decides (copies with another payload, or another type, pass).
        var time = new ManualTime();
        var dedup = new EventDeduplicator(time);
        StreamingEvent[] events =
        [
            new AvatarStartTalking { TaskId = "t1" },
            new AvatarTalkingMessage { TaskId = "t1", Message = "Hello" },
            new UserTalkingMessage { TaskId = "t1", Message = "Hello" },
            new AvatarStopTalking { TaskId = "t1", DurationMs = 5 },
            new UserSilence { SilenceTimes = 2, CountDown = 3 },
            new ConnectionQualityChanged { Quality = ConnectionQuality.Good },
            new UnknownStreamingEvent("avatar_mood", """{"event_type":"avatar_mood","mood":"calm"}"""),
        ];
        foreach (var evt in events)
        {
            dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 6 }, EventChannel.Room).Should().BeTrue("another duration");
        dedup.ShouldDeliver(new UserSilence { SilenceTimes = 2, CountDown = 4 }, EventChannel.Room).Should().BeTrue("another count-down");
        dedup.ShouldDeliver(new AvatarEndMessage { TaskId = "t1" }, EventChannel.Room).Should().BeTrue("another event");
        dedup.ShouldDeliver(new UnknownStreamingEvent("avatar_mood", """{"event_type":"avatar_mood","mood":"glad"}"""), EventChannel.Room)
            .Should().BeTrue("another raw message");
        foreach (var evt in Enumerable.Reverse(events))
        {
            dedup.ShouldDeliver(evt with { ReceivedAt = DateTimeOffset.UtcNow }, EventChannel.Room).Should().BeFalse(evt.Name + " has its twin");
        }

        dedup.ShouldDeliver(events[1], EventChannel.Room).Should().BeTrue("each twin pairs once");
    }

    private sealed class ManualTime(long frequency = TimeSpan.TicksPerSecond) : TimeProvider
    {
        private long _timestamp;

        public override long TimestampFrequency => frequency;

        public override long GetTimestamp() => _timestamp;

        public void Advance(TimeSpan by) => _timestamp += (long)(by.Ticks * ((double)frequency / TimeSpan.TicksPerSecond));
    }
}
