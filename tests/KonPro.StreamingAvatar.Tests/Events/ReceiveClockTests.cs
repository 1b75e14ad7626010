using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The clock is read once per message (issue 22, item 5; ADR 0019): a monotonic timestamp per message, the wall clock
/// once a second, and the deduplicator reads the arrival back from the event instead of the clock. All in virtual time.
/// </summary>
public sealed class ReceiveClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Deriving_reads_the_wall_clock_once_a_second_and_the_timestamp_once_a_message()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);

        for (var i = 0; i < 1_000; i++)
        {
            clock.Now();
            time.Fake.Advance(TimeSpan.FromMilliseconds(2)); // 500 messages a second, for 2 s
        }

        time.Timestamps.Should().Be(1_000);
        time.WallReads.Should().Be(2, "one anchor at the first message and one a second later");
    }

    [Fact]
    public void A_derived_time_is_the_wall_clock_at_the_anchor_plus_the_monotonic_time_since()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);

        var first = clock.Now();
        time.Fake.Advance(TimeSpan.FromMilliseconds(250));
        var second = clock.Now();

        first.UtcDateTime.Should().Be(Start);
        second.UtcDateTime.Should().Be(Start.AddMilliseconds(250));
        ReferenceEquals(first.Anchor, second.Anchor).Should().BeTrue();
    }

    [Fact]
    public void A_drifting_wall_clock_is_off_by_at_most_one_seconds_drift_and_caught_up_at_the_next_anchor()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);
        clock.Now();

        // The wall clock runs 1 ms a second fast against the monotonic one (far more than a synchronized clock drifts).
        for (var ms = 100; ms <= 3_000; ms += 100)
        {
            time.Fake.Advance(TimeSpan.FromMilliseconds(100));
            time.WallOffset += TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 10);
            var stamped = clock.Now().UtcDateTime;
            var wall = time.PeekUtcNow();
            (wall - stamped).Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(1), $"at {ms} ms");
            if (ms % 1_000 == 0)
            {
                stamped.Should().Be(wall, "a second after the last anchor the wall clock is read again");
            }
        }
    }

    [Fact]
    public void A_wall_clock_step_shows_from_the_next_anchor_on()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);
        clock.Now();

        time.WallOffset = TimeSpan.FromHours(-1); // an administrator sets the clock back
        time.Fake.Advance(TimeSpan.FromMilliseconds(500));
        clock.Now().UtcDateTime.Should().Be(Start.AddMilliseconds(500), "within the second the monotonic clock rules");
        time.Fake.Advance(TimeSpan.FromMilliseconds(500));
        clock.Now().UtcDateTime.Should().Be(Start.AddSeconds(1).AddHours(-1));
    }

    [Fact]
    public void A_provider_other_than_the_system_one_is_asked_for_its_wall_clock_every_message()
    {
        var fake = new FakeTimeProvider(Start);
        var clock = new ReceiveClock(fake);

        var first = clock.Now();
        fake.SetUtcNow(Start.AddDays(1)); // a test's jump: its GetUtcNow is the truth
        var second = clock.Now();
        fake.Advance(TimeSpan.FromSeconds(3));
        var third = clock.Now();

        first.UtcDateTime.Should().Be(Start);
        second.UtcDateTime.Should().Be(Start.AddDays(1));
        third.UtcDateTime.Should().Be(Start.AddDays(1).AddSeconds(3));
        ReferenceEquals(second.Anchor, third.Anchor).Should().BeTrue("two clocks that run together keep one anchor");
    }

    [Fact]
    public void The_deduplicator_reads_the_arrival_from_the_event_not_the_clock()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);
        var dedup = new EventDeduplicator(time);
        var chat = Stamped(clock, "hello");
        time.Fake.Advance(TimeSpan.FromSeconds(1));
        var room = Stamped(clock, "hello");
        var readsBefore = time.Timestamps + time.WallReads;

        dedup.ShouldDeliver(chat, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(room, EventChannel.Room).Should().BeFalse();

        (time.Timestamps + time.WallReads).Should().Be(readsBefore);
    }

    [Fact]
    public void The_window_is_measured_between_the_arrivals_the_events_carry()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);
        var dedup = new EventDeduplicator(time);
        var chat = Stamped(clock, "hello");
        time.Fake.Advance(EventDeduplicator.Window + TimeSpan.FromMilliseconds(1));
        var lateRoom = Stamped(clock, "hello");

        dedup.ShouldDeliver(chat, EventChannel.ChatSocket).Should().BeTrue();
        dedup.ShouldDeliver(lateRoom, EventChannel.Room).Should().BeTrue("it arrived after the window: a new event");
    }

    [Fact]
    public void Ingesting_stamped_events_reads_no_clock()
    {
        var time = new CountingTime(Start);
        var clock = new ReceiveClock(time, derive: true);
        var ingest = new EventIngest(time, NullLogger.Instance);
        var events = Enumerable.Range(0, 100).Select(i => Stamped(clock, "word " + i)).ToList();
        var readsBefore = time.Timestamps + time.WallReads;

        foreach (var evt in events)
        {
            ingest.Ingest(evt, EventChannel.ChatSocket);
            ingest.Ingest(evt, EventChannel.Room);
        }

        (time.Timestamps + time.WallReads).Should().Be(readsBefore);
    }

    private static StreamingEvent Stamped(ReceiveClock clock, string message)
    {
        var json = System.Text.Encoding.UTF8.GetBytes($$"""{"event_type":"avatar_talking_message","task_id":"t-1","message":"{{message}}"}""");
        StreamingEventParser.Parse(json, "event_type", "s-1", clock.Now(), cache: null, out var evt, out _).Should().Be(WireParseResult.Event);
        return evt!;
    }

    // A fake provider that counts its reads and whose wall clock can drift or step against its monotonic one.
    private sealed class CountingTime(DateTimeOffset start) : TimeProvider
    {
        public FakeTimeProvider Fake { get; } = new(start);

        public TimeSpan WallOffset { get; set; }

        public int Timestamps { get; private set; }

        public int WallReads { get; private set; }

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override long GetTimestamp()
        {
            Timestamps++;
            return Fake.GetTimestamp();
        }

        public override DateTimeOffset GetUtcNow()
        {
            WallReads++;
            return PeekUtcNow();
        }

        public DateTimeOffset PeekUtcNow() => Fake.GetUtcNow() + WallOffset;
    }
}
