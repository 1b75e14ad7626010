namespace KonPro.StreamingAvatar.Tests.Session;

public sealed class CrossChannelDeduplicatorTests
{
    [Fact]
    public void The_same_event_from_the_other_channel_is_dropped_once()
    {
        var dedup = new CrossChannelDeduplicator(TimeProvider.System);
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "Hello" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(evt with { ReceivedAt = DateTimeOffset.UtcNow }, EventChannel.Room).Should().BeFalse();
        dedup.ShouldDeliver(evt, EventChannel.Room).Should().BeTrue("the twin was consumed; a third copy is a new event");
    }

    [Fact]
    public void Repeats_on_the_same_channel_are_real_events()
    {
        var dedup = new CrossChannelDeduplicator(TimeProvider.System);
        var evt = new AvatarTalkingMessage { TaskId = "t1", Message = "ha" };

        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(evt, EventChannel.ChatSocket).Should().BeTrue();
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
