using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>
/// A server the chat socket has not heard from (no message, no pong) for 30 s is a network loss, noticed at 30 s:
/// the watchdog runs on the options' TimeProvider, so virtual time shows the bound exactly.
/// </summary>
public sealed class ChatSocketSilenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly InMemoryWebSocketConnector _connector = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    [Fact]
    public void The_documented_bound_is_the_default_and_a_live_server_is_pinged_well_within_it()
    {
        new ChatSocketOptions { BaseUri = new Uri("http://x"), SessionId = "s", SessionToken = "t" }.SilenceTimeout.Should().Be(Bound);
        // The runtime pings after the interval plus at most one heartbeat (a quarter of the smaller of interval and
        // timeout); the pong then has the rest of the bound to arrive, and the runtime's own timeout comes after it.
        var heartbeat = TimeSpan.FromTicks(Math.Min(ClientWebSocketConnector.KeepAliveInterval.Ticks, ClientWebSocketConnector.KeepAliveTimeout.Ticks) / 4);
        (ClientWebSocketConnector.KeepAliveInterval + heartbeat).Should().BeLessThanOrEqualTo(Bound - TimeSpan.FromSeconds(10));
        (ClientWebSocketConnector.KeepAliveInterval + ClientWebSocketConnector.KeepAliveTimeout).Should().BeGreaterThan(Bound, "the runtime's timeout is a backstop only");
    }

    [Fact]
    public async Task A_silent_server_is_dropped_as_a_network_loss_at_exactly_30_s()
    {
        await using var socket = CreateSocket();
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();
        await socket.ConnectAsync();
        await _connector.AcceptAsync();

        _time.Advance(Bound - Tick);
        socket.IsOpen.Should().BeTrue("the server has been silent for less than the bound");
        _time.Advance(Tick);

        socket.IsOpen.Should().BeFalse();
        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost);
    }

    [Fact]
    public async Task A_message_moves_the_deadline_to_30_s_after_it()
    {
        await using var socket = CreateSocket();
        var received = socket.Events.FirstAsync().ToTask();
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        _time.Advance(TimeSpan.FromSeconds(20));
        await server.SendTextAsync("""{"event_type":"user_start"}""");
        await received.WaitAsync(TestTimeouts.Wait);
        _time.Advance(Bound - Tick);
        socket.IsOpen.Should().BeTrue("30 s have not passed since the message");
        _time.Advance(Tick);

        socket.IsOpen.Should().BeFalse();
        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost);
    }

    [Fact]
    public async Task A_drop_between_two_receives_is_reconnected_like_any_other()
    {
        // The watchdog fires while the loop delivers an event (not inside a receive): the aborted socket has disposed
        // itself, and the next receive throws ObjectDisposedException. That is a drop, not the end of the socket.
        await using var socket = CreateSocket();
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();
        using var _ = socket.Events.Subscribe(_ => _time.Advance(Bound));
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.SendTextAsync("""{"event_type":"user_start"}""");

        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost);
        (await socket.LatestStatusAsync()).Should().BeOfType<ChatSocketStatus.Reconnecting>();
    }

    [Fact]
    public async Task Bytes_that_carry_no_message_such_as_a_pong_keep_the_server_alive()
    {
        await using var socket = CreateSocket();
        await socket.ConnectAsync();
        await _connector.AcceptAsync();

        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            _connector.Heard!(); // a pong answering the runtime's ping
        }

        socket.IsOpen.Should().BeTrue("the server answered within the bound each time (80 s in all)");
        _time.Advance(Bound);
        socket.IsOpen.Should().BeFalse();
    }

    [Fact]
    public async Task The_watchdog_can_be_turned_off()
    {
        await using var socket = CreateSocket(Timeout.InfiniteTimeSpan);
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        _time.Advance(TimeSpan.FromHours(1));

        socket.IsOpen.Should().BeTrue();
        server.Abort();
        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost, "a drop is still noticed");
    }

    [Fact]
    public async Task Over_loopback_the_watchdog_drops_a_server_that_answers_no_ping_and_the_socket_reconnects()
    {
        await using var server = new SilentWebSocketServer();
        // No runtime keep-alive at all: only the watchdog can notice.
        var connector = new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero);
        await using var socket = new ChatSocket(
            new ChatSocketOptions
            {
                BaseUri = server.BaseUri,
                SessionId = "s-silent",
                SessionToken = "token",
                SilenceTimeout = TimeSpan.FromMilliseconds(300),
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 1 },
            },
            connector);
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();

        await socket.ConnectAsync();

        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost);
        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => server.Upgrades == 2);
    }

    [Fact]
    public async Task The_default_connector_reports_the_bytes_of_frames_that_never_surface_as_messages()
    {
        await using var server = new SilentWebSocketServer(pongEvery: TimeSpan.FromMilliseconds(20));
        var heard = 0;
        var connector = new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero);
        using var socket = await connector.ConnectAsync(
            new Uri(new Uri(server.BaseUri.ToString().Replace("http", "ws", StringComparison.Ordinal)), "/v1/ws/streaming.chat"),
            () => Interlocked.Increment(ref heard),
            CancellationToken.None);
        var baseline = Volatile.Read(ref heard);
        using var stop = new CancellationTokenSource();
        // The runtime reads (and consumes pongs) only while a receive is pending; no message ever completes it.
        var receive = socket.ReceiveAsync(new byte[1024], stop.Token);

        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => server.Pongs >= 5 && Volatile.Read(ref heard) - baseline >= 3);

        receive.IsCompleted.Should().BeFalse("a pong is no message");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => receive).Should().ThrowAsync<OperationCanceledException>("the receive ends by its cancellation, not by a message or a close");
    }

    private ChatSocket CreateSocket(TimeSpan? silenceTimeout = null) =>
        new(
            new ChatSocketOptions
            {
                BaseUri = new Uri("http://fake.local"),
                SessionId = "s-1",
                SessionToken = "secret-session-token",
                // The reconnect waits on a scheduler nobody advances: a drop shows as Reconnecting and stays so.
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = 1 },
                Scheduler = new HistoricalScheduler(),
                TimeProvider = _time,
                SilenceTimeout = silenceTimeout ?? ChatSocketOptions.DefaultSilenceTimeout,
                // Zero: disposing never waits for a close answer on the virtual clock (which nobody advances then).
                CloseTimeout = TimeSpan.Zero,
            },
            _connector);
}
