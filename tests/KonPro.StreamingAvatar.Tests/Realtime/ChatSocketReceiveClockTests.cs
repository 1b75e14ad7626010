using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>
/// The chat socket reads the monotonic clock once per message (issue 22, item 5; ADR 0019): the timestamp the core
/// takes for its silence watchdog is the one the event is stamped with, and the ingest step reads it back from the event.
/// </summary>
public sealed class ChatSocketReceiveClockTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 17, 0, 0, TimeSpan.Zero);

    private readonly InMemoryWebSocketConnector _connector = new();
    private readonly CountingTime _time = new(Start);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    [Fact]
    public async Task A_message_costs_one_timestamp_read_and_its_event_carries_that_arrival()
    {
        await using var socket = CreateSocket();
        var received = socket.Events.Take(3).ToList().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        var before = _time.Timestamps;

        _time.Fake.Advance(TimeSpan.FromSeconds(2));
        await server.SendTextAsync("""{"event_type":"user_start"}""");
        await server.SendTextAsync("""{"event_type":"user_stop"}""");
        await server.SendTextAsync("""{"event_type":"user_talking_message","message":"hi"}""");
        var events = await received.WaitAsync(TestTimeouts.Wait);

        (_time.Timestamps - before).Should().Be(3, "one read per message, shared by the watchdog and the event's stamp");
        foreach (var evt in events)
        {
            evt.ReceivedAt.Should().Be(Start.AddSeconds(2));
            evt.TryGetArrival(_time, out var arrived).Should().BeTrue();
            arrived.Should().Be(_time.Fake.GetTimestamp());
        }
    }

    private ChatSocket CreateSocket() =>
        new(
            new ChatSocketOptions
            {
                BaseUri = new Uri("http://fake.local"),
                SessionId = "s-1",
                SessionToken = "secret-session-token",
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = 1 },
                Scheduler = new HistoricalScheduler(),
                TimeProvider = _time,
                CloseTimeout = TimeSpan.Zero,
            },
            _connector);

    // A FakeTimeProvider that counts its monotonic reads (its timers are the fake's).
    private sealed class CountingTime(DateTimeOffset start) : TimeProvider
    {
        private int _timestamps;

        public FakeTimeProvider Fake { get; } = new(start);

        public int Timestamps => Volatile.Read(ref _timestamps);

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _timestamps);
            return Fake.GetTimestamp();
        }

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            Fake.CreateTimer(callback, state, dueTime, period);
    }
}
