namespace KonPro.StreamingAvatar.Tests.Session;

public sealed class CrossChannelDeduplicatorTests
{
    [Fact]
    public void The_same_event_from_the_other_channel_is_dropped_once()
    {
        var time = new ManualTime();
        var dedup = new CrossChannelDeduplicator(time);
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "Hello" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(evt with { ReceivedAt = DateTimeOffset.UtcNow }, EventChannel.Room).Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(evt, EventChannel.Room).Should().BeTrue("the twin was consumed; a later copy is a new event");
    }

    [Fact]
    public void An_immediate_resend_on_the_same_channel_is_dropped_but_a_later_repeat_is_real()
    {
        var time = new ManualTime();
        var dedup = new CrossChannelDeduplicator(time);
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "ha" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
    }

    [Fact]
    public void Different_unknown_events_of_the_same_length_are_all_delivered()
    {
        var dedup = new CrossChannelDeduplicator(new ManualTime());

        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":1}"""), EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":2}"""), EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new UnknownStreamingEvent("probe", """{"event_type":"probe","seq":2}"""), EventChannel.ChatSocket)
            .Should().BeFalse("an identical resend is still a duplicate");
    }

    [Fact]
    public void Checking_an_event_allocates_nothing_in_steady_state()
    {
        var time = new ManualTime();
        var dedup = new CrossChannelDeduplicator(time);
        var events = Enumerable.Range(0, 64).Select(i => new AvatarTalkingMessage { TaskId = "t1", Message = $"chunk {i}" }).ToArray();
        foreach (var evt in events)
        {
            dedup.ShouldDeliver(evt, EventChannel.ChatSocket);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 20; round++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var evt in events)
            {
                dedup.ShouldDeliver(evt, EventChannel.ChatSocket);
            }
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void A_task_starts_and_stops_once()
    {
        var time = new ManualTime();
        var dedup = new CrossChannelDeduplicator(time);

        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket).Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(1));
        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket).Should().BeFalse();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 5 }, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStopTalking { TaskId = "t1", DurationMs = 5 }, EventChannel.Room).Should().BeFalse();
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void Different_payloads_are_different_events()
    {
        var dedup = new CrossChannelDeduplicator(TimeProvider.System);

        dedup.ShouldDeliver(new AvatarTalkingMessage { TaskId = "t1", Message = "a" }, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarTalkingMessage { TaskId = "t1", Message = "b" }, EventChannel.Room).Should().BeTrue();
        dedup.ShouldDeliver(new AvatarStartTalking { TaskId = "t2" }, EventChannel.Room).Should().BeTrue();
    }
}
