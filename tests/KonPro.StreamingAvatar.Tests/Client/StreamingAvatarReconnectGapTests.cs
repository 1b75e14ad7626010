using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// A reconnect gap is visible: the SDK publishes <see cref="StreamReconnected"/> with the gap's bounds between the
/// events of the old connection and the new one, and the meter records the gap; nobody on the wire can fake it.
/// </summary>
public sealed class StreamingAvatarReconnectGapTests
{
    [Fact]
    public async Task A_reconnect_publishes_the_gap_between_the_old_connections_events_and_the_new_ones_and_the_meter_records_it()
    {
        await using var scope = await FakeServerScope.StartAsync();
        await using var connector = new InMemoryWebSocketConnector();
        var scheduler = new HistoricalScheduler();
        // A clock whose "now" the test sets (its timers and timeouts stay real, so disposal's close timeout runs).
        var time = new FixedTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var gaps = new ConcurrentQueue<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == "konpro.streaming_avatar.event_gap.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => gaps.Enqueue(value));
        meters.Start();
        var options = new StreamingAvatarOptions
        {
            Scheduler = scheduler,
            TimeProvider = time,
            MeterFactory = meterFactory,
            ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 },
        };
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, options, connector);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var first = await connector.AcceptAsync();
        await first.SendTextAsync("""{"event_type":"user_start"}""");
        await events.WaitForAsync<UserStart>();

        var dropNoticed = time.GetUtcNow();
        first.Abort();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Reconnecting);
        time.Now += TimeSpan.FromSeconds(3);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var second = await connector.AcceptAsync();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Connected);
        await second.SendTextAsync("""{"event_type":"user_stop"}""");
        await events.WaitForAsync<UserStop>();

        var gap = events.Items.OfType<StreamReconnected>().Should().ContainSingle().Subject;
        gap.GapStart.Should().Be(dropNoticed);
        gap.GapEnd.Should().Be(dropNoticed + TimeSpan.FromSeconds(3));
        gap.ReceivedAt.Should().Be(gap.GapEnd);
        gap.Reason.Should().Be(DisconnectReason.NetworkLost);
        gap.Attempts.Should().Be(1);
        gap.SessionId.Should().Be(session.SessionId);
        events.Items.Select(e => e.Name).Should().ContainInOrder(StreamingEvents.UserStart, StreamingEvents.StreamReconnected, StreamingEvents.UserStop);
        gaps.Should().Equal(3.0);
    }

    [Fact]
    public async Task A_gap_marker_sent_over_the_wire_is_not_delivered()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        scope.Server.Faults.SendRawChatMessage(session.SessionId, """{"event_type":"stream_reconnected","gap_start":"2026-01-01T00:00:00Z"}""").Should().Be(1);
        scope.Server.Faults.SendRawChatMessage(session.SessionId, """{"event_type":"user_start"}""").Should().Be(1);
        await events.WaitForAsync<UserStart>();

        events.Items.Should().NotContain(e => e is StreamReconnected || e.Name == StreamingEvents.StreamReconnected);
    }
}
