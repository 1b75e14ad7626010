using System.Text.Json;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The event records keep their session id, extra fields and <see cref="StreamingEvent.ReceivedAt"/>'s offset in one
/// context shared by a connection's events and the instant as UTC ticks (issue 22, item 5): a smaller record, with the
/// public properties, equality, <c>with</c> and <c>ToString</c> of before.
/// </summary>
public sealed class StreamingEventLayoutTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 17, 4, 5, 123, TimeSpan.Zero);

    [Fact]
    public void A_parsed_event_without_a_payload_costs_40_bytes_its_record_alone()
    {
        // Header and method table (16), task id, context and UTC ticks (8 each). Before: 56 B (session id, extra fields
        // and a 16-byte DateTimeOffset of its own).
        var clock = new ReceiveClock(TimeProvider.System);
        var cache = new StreamingEventParserCache();
        var json = """{"event_type":"avatar_end_message","task_id":"task-1","session_id":"s-1"}"""u8.ToArray();
        for (var i = 0; i < 100; i++)
        {
            StreamingEventParser.Parse(json, "event_type", "s-1", clock.Now(), cache, out _, out _);
        }

        const int Count = 1_000;
        var stamp = clock.Now();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            StreamingEventParser.Parse(json, "event_type", "s-1", stamp, cache, out _, out _);
        }

        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        perEvent.Should().BeLessThanOrEqualTo(40);
    }

    [Fact]
    public void Events_of_one_connection_share_one_context()
    {
        var clock = new ReceiveClock(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At));
        var cache = new StreamingEventParserCache();
        var stamp = clock.Now();
        StreamingEventParser.Parse("""{"event_type":"user_start","session_id":"s-1"}"""u8, "event_type", "s-1", stamp, cache, out var first, out _);
        StreamingEventParser.Parse("""{"event_type":"user_stop"}"""u8, "event_type", "s-1", stamp, cache, out var second, out _);

        ReferenceEquals(first!.Context, second!.Context).Should().BeTrue();
        first.SessionId.Should().Be("s-1");
        first.ReceivedAt.Should().Be(At);
        first.ExtraFields.Should().BeEmpty();
    }

    [Fact]
    public void Received_at_keeps_its_offset_and_instant()
    {
        var local = new DateTimeOffset(2026, 12, 7, 19, 4, 5, 123, TimeSpan.FromHours(2));
        var evt = new UserStart { ReceivedAt = local };

        evt.ReceivedAt.Should().Be(local);
        evt.ReceivedAt.Offset.Should().Be(TimeSpan.FromHours(2));
        evt.ReceivedAt.DateTime.Should().Be(local.DateTime);
        new UserStart { ReceivedAt = DateTimeOffset.MaxValue }.ReceivedAt.Should().Be(DateTimeOffset.MaxValue);
        new UserStart { ReceivedAt = DateTimeOffset.MinValue }.ReceivedAt.Should().Be(DateTimeOffset.MinValue);
        new UserStart { ReceivedAt = new DateTimeOffset(DateTime.MaxValue.Ticks, TimeSpan.FromHours(14)) }.ReceivedAt.Offset.Should().Be(TimeSpan.FromHours(14));
        new UserStart().ReceivedAt.Should().Be(default);
    }

    [Fact]
    public void Records_with_equal_values_are_equal_however_they_were_built()
    {
        var clock = new ReceiveClock(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At));
        var cache = new StreamingEventParserCache();
        StreamingEventParser.Parse("""{"event_type":"avatar_talking_message","task_id":"t-1","message":"hi"}"""u8, "event_type", "s-1", clock.Now(), cache, out var parsed, out _);
        var byHand = new AvatarTalkingMessage { TaskId = "t-1", SessionId = new string("s-1".AsSpan()), ReceivedAt = At, Message = "hi" };

        parsed.Should().Be(byHand);
        parsed!.GetHashCode().Should().Be(byHand.GetHashCode());
        byHand.Should().Be(byHand with { ReceivedAt = At.ToOffset(TimeSpan.FromHours(3)) }, "DateTimeOffset's equality is the instant's");
        byHand.Should().NotBe(byHand with { SessionId = "s-2" });
        byHand.Should().NotBe(byHand with { SessionId = null });
        byHand.Should().NotBe(byHand with { ReceivedAt = At.AddTicks(1) });
        byHand.Should().NotBe(byHand with { ExtraFields = new Dictionary<string, JsonElement>() }, "the dictionary compares by reference, as before");
        byHand.Should().NotBe(new UserTalkingMessage { TaskId = "t-1", SessionId = "s-1", ReceivedAt = At, Message = "hi" });
    }

    [Fact]
    public void With_changes_the_copy_only()
    {
        var extras = new Dictionary<string, JsonElement> { ["v"] = JsonDocument.Parse("1").RootElement };
        var original = new AvatarStopTalking { TaskId = "t-1", SessionId = "s-1", ReceivedAt = At, ExtraFields = extras, DurationMs = 5 };

        var copy = original with { SessionId = "s-2", ReceivedAt = At.AddHours(1).ToOffset(TimeSpan.FromHours(-5)) };
        var other = original with { ExtraFields = StreamingEvent.NoExtraFields };

        original.SessionId.Should().Be("s-1");
        original.ReceivedAt.Should().Be(At);
        original.ReceivedAt.Offset.Should().Be(TimeSpan.Zero);
        original.ExtraFields.Should().BeSameAs(extras);
        copy.SessionId.Should().Be("s-2");
        copy.ReceivedAt.Offset.Should().Be(TimeSpan.FromHours(-5));
        copy.ReceivedAt.Should().Be(At.AddHours(1));
        copy.ExtraFields.Should().BeSameAs(extras);
        copy.DurationMs.Should().Be(5);
        other.ExtraFields.Should().BeEmpty();
        other.SessionId.Should().Be("s-1");
    }

    [Fact]
    public void To_string_prints_the_public_properties_as_before()
    {
        var at = new DateTimeOffset(2026, 12, 7, 19, 4, 5, TimeSpan.FromHours(2));
        var evt = new AvatarTalkingMessage { TaskId = "t-1", SessionId = "s-1", ReceivedAt = at, Message = "hi" };

        evt.ToString().Should().Be(
            $"AvatarTalkingMessage {{ Name = avatar_talking_message, TaskId = t-1, SessionId = s-1, ReceivedAt = {at}, ExtraFields = {StreamingEvent.NoExtraFields}, Message = hi }}");
    }

    [Fact]
    public void Setting_the_time_by_hand_drops_the_clock_anchor()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At);
        var clock = new ReceiveClock(time);
        StreamingEventParser.Parse("""{"event_type":"user_start"}"""u8, "event_type", "s-1", clock.Now(), new StreamingEventParserCache(), out var parsed, out _);

        parsed!.TryGetArrival(time, out var arrived).Should().BeTrue();
        arrived.Should().Be(time.GetTimestamp());
        (parsed with { SessionId = "s-2" }).TryGetArrival(time, out _).Should().BeTrue("the time is still the clock's");
        (parsed with { ReceivedAt = At.AddSeconds(-30) }).TryGetArrival(time, out _).Should().BeFalse();
        parsed.TryGetArrival(TimeProvider.System, out _).Should().BeFalse("another provider's timestamps are not comparable");
    }
}
