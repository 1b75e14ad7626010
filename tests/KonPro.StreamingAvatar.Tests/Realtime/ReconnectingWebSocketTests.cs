using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.TestSupport.Concurrency;
using KonPro.Streaming.Tests.Realtime.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>
/// The WebSocket core under the chat socket and the realtime audio socket, over real loopback WebSockets (the SDK's own
/// connector against <see cref="LoopbackWebSocketServer"/>), with its timers in virtual time: reconnect delays and
/// keep-alives on a <see cref="HistoricalScheduler"/>, the silence watchdog on a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class ReconnectingWebSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly LoopbackWebSocketServer _server = new();
    private readonly HistoricalScheduler _scheduler = new();
    private readonly RecordingProtocol _protocol = new();
    private readonly ListLogger _logger = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ReconnectingWebSocket CreateCore(
        ReconnectPolicy? policy = null,
        int maxMessageBytes = 1024 * 1024,
        TimeSpan? keepAlive = null,
        TimeSpan? silenceTimeout = null,
        TimeProvider? time = null,
        TimeSpan? closeTimeout = null) =>
        new(
            new ReconnectingWebSocketOptions
            {
                Uri = _server.Uri,
                RedactedUri = "ws://127.0.0.1/***",
                Name = "Test socket",
                Logger = _logger,
                TimeProvider = time ?? TimeProvider.System,
                Scheduler = _scheduler,
                ReconnectPolicy = policy,
                MaxMessageBytes = maxMessageBytes,
                KeepAliveInterval = keepAlive ?? TimeSpan.Zero,
                SilenceTimeout = silenceTimeout ?? Timeout.InfiniteTimeSpan,
                CloseTimeout = closeTimeout ?? TimeSpan.FromMilliseconds(200), // the test servers answer a close only where a test says so
            },
            new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero),
            _protocol);

    private static Task<T> NextStatus<T>(ReconnectingWebSocket core, Func<T, bool>? predicate = null)
        where T : ReconnectingWebSocketStatus =>
        core.Status.OfType<T>().Where(s => predicate?.Invoke(s) ?? true).FirstAsync().ToTask().WaitAsync(TestTimeouts.Wait);

    [Fact]
    public async Task Messages_arrive_whole_and_in_order_and_one_over_the_limit_is_reported_and_skipped()
    {
        await using var core = CreateCore(maxMessageBytes: 1024);
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();

        await server.SendFragmentedAsync("first, in three frames", 5, 12);
        await server.SendFragmentedAsync(new string('x', 3000), 700, 1500);
        await server.SendTextAsync(new string('y', 1024));
        await server.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => _protocol.Messages.Count == 3);
        _protocol.Messages.Should().Equal(
            (WebSocketMessageType.Text, "first, in three frames"),
            (WebSocketMessageType.Text, new string('y', 1024)),
            (WebSocketMessageType.Binary, "\u0001\u0002\u0003"));
        _logger.Messages.Should().ContainSingle(m => m.StartsWith("4006 ", StringComparison.Ordinal))
            .Which.Should().StartWith("4006 Test socket discarded a message of more than 1024 bytes (3000 bytes)");
        core.CurrentStatus.Should().Be(new ReconnectingWebSocketStatus.Open(Reconnected: false));
    }

    [Fact]
    public async Task Sends_from_many_threads_go_out_whole_through_the_one_send_lock()
    {
        await using var core = CreateCore();
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();

        var senders = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var text = $"{n}:{i}:" + new string((char)('a' + n), 20_000);
                (await core.TrySendAsync(static t => Encoding.UTF8.GetBytes(t), text, WebSocketMessageType.Text, CancellationToken.None)).Should().BeTrue();
            }
        }));
        await Task.WhenAll(senders).WaitAsync(TestTimeouts.Wait);

        var received = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            received.Add((await server.ReceiveTextAsync()).Text);
        }

        received.Should().OnlyContain(t => t.Length > 20_000 && t.EndsWith(new string(t[t.Length - 1], 20_000), StringComparison.Ordinal), "no message is cut into by another");
        received.Select(t => t[..t.IndexOf(':', 2)]).Should().OnlyHaveUniqueItems().And.HaveCount(40);
    }

    [Fact]
    public async Task A_drop_is_reconnected_after_the_policys_delay_on_the_injected_scheduler()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 };
        await using var core = CreateCore(policy);
        await core.ConnectAsync();
        var first = await _server.AcceptAsync();

        first.Drop();

        (await NextStatus<ReconnectingWebSocketStatus.Reconnecting>(core)).Should().Be(new ReconnectingWebSocketStatus.Reconnecting(1, TimeSpan.FromSeconds(1), null, null));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1) - Tick);
        _server.Connections.Should().Be(1, "the attempt waits for its delay on the injected scheduler, not on the clock");
        var reopened = NextStatus<ReconnectingWebSocketStatus.Open>(core, o => o.Reconnected);
        _scheduler.AdvanceBy(Tick);
        var second = await _server.AcceptAsync();
        await reopened;

        await second.SendTextAsync("after the reconnect");
        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => _protocol.Messages.Count == 1);
        _protocol.Messages.Should().Equal((WebSocketMessageType.Text, "after the reconnect"));
        _protocol.Statuses.Should().ContainInOrder(
            new ReconnectingWebSocketStatus.Connecting(),
            new ReconnectingWebSocketStatus.Open(false),
            new ReconnectingWebSocketStatus.Reconnecting(1, TimeSpan.FromSeconds(1), null, null),
            new ReconnectingWebSocketStatus.Open(true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_close_is_reconnected_unless_the_protocol_says_its_status_is_final(bool final)
    {
        _protocol.Final = status => final && status == 4003;
        await using var core = CreateCore(new ReconnectPolicy { JitterRatio = 0 });
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();

        await server.CloseAsync(4003, "the protocol's own");

        if (final)
        {
            (await NextStatus<ReconnectingWebSocketStatus.Closed>(core)).Should().Be(new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, 4003, "the protocol's own"));
            await core.Completion.WaitAsync(TestTimeouts.Wait); // the loop ends once it told the protocol
            _protocol.Closed.Should().ContainSingle();
            (await server.ReceiveTextAsync()).Type.Should().Be(WebSocketMessageType.Close, "the client completes the close handshake");
        }
        else
        {
            (await NextStatus<ReconnectingWebSocketStatus.Reconnecting>(core)).Should().Be(new ReconnectingWebSocketStatus.Reconnecting(1, TimeSpan.FromMilliseconds(500), 4003, "the protocol's own"));
        }
    }

    [Fact]
    public async Task Without_a_policy_or_once_reconnects_are_stopped_a_drop_closes_for_good()
    {
        await using var withoutPolicy = CreateCore(policy: null);
        await withoutPolicy.ConnectAsync();
        (await _server.AcceptAsync()).Drop();
        (await NextStatus<ReconnectingWebSocketStatus.Closed>(withoutPolicy)).Should().Be(new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, null, null));

        await using var stopped = CreateCore(new ReconnectPolicy());
        await stopped.ConnectAsync();
        var server = await _server.AcceptAsync();
        stopped.StopReconnecting();
        server.Drop();
        (await NextStatus<ReconnectingWebSocketStatus.Closed>(stopped)).Should().Be(new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, null, null));
        _server.Connections.Should().Be(2, "neither reconnected");
    }

    [Theory]
    [InlineData(401, 2)]
    [InlineData(404, 2)]
    [InlineData(503, 4)]
    public async Task A_reconnect_refused_as_unauthorized_or_unknown_ends_the_attempts_and_any_other_refusal_is_retried(int httpStatus, int requests)
    {
        var policy = new ReconnectPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0, BackoffMultiplier = 1 };
        await using var core = CreateCore(policy);
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();
        _server.RefuseWith = httpStatus;
        var closed = NextStatus<ReconnectingWebSocketStatus.Closed>(core);

        server.Drop();
        for (var attempt = 1; attempt <= requests - 1; attempt++)
        {
            await NextStatus<ReconnectingWebSocketStatus.Reconnecting>(core, r => r.Attempt == attempt);
            _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        }

        (await closed).Should().Be(new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, null, null));
        _server.Connections.Should().Be(requests);
        _logger.Messages.Count(m => m.StartsWith("4004 Test socket reconnect attempt", StringComparison.Ordinal)).Should().Be(requests - 1);
    }

    [Fact]
    public async Task A_refused_first_connection_is_final_and_carries_the_failure()
    {
        _server.RefuseWith = 401;
        await using var core = CreateCore(ReconnectPolicy.Default);

        var refused = await core.Invoking(c => c.ConnectAsync()).Should().ThrowAsync<ChatSocketHandshakeException>();

        refused.Which.HttpStatus.Should().Be(401);
        core.CurrentStatus.Should().BeOfType<ReconnectingWebSocketStatus.Closed>().Which.Should().Be(
            new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectFailed, null, null, refused.Which));
        await core.Invoking(c => c.ConnectAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task The_protocols_keep_alive_goes_out_every_interval_of_the_injected_scheduler_until_the_socket_closes()
    {
        var core = CreateCore(keepAlive: TimeSpan.FromMinutes(2));
        _protocol.KeepAlive = ct => core.TrySendAsync(static t => Encoding.UTF8.GetBytes(t), "keep-alive", WebSocketMessageType.Text, ct).AsTask();
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();

        _scheduler.AdvanceBy(TimeSpan.FromMinutes(2) - Tick);
        _protocol.KeepAlivesAsked.Should().Be(0);
        _scheduler.AdvanceBy(Tick);
        (await server.ReceiveTextAsync()).Text.Should().Be("keep-alive");
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(2));
        (await server.ReceiveTextAsync()).Text.Should().Be("keep-alive");

        await core.DisposeAsync();
        _scheduler.AdvanceBy(TimeSpan.FromHours(1));
        _protocol.KeepAlivesAsked.Should().Be(2, "the timer stops when the socket closes for good");
    }

    [Fact]
    public async Task A_server_not_heard_from_for_the_silence_timeout_is_dropped_as_a_loss_timed_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        await using var core = CreateCore(new ReconnectPolicy { JitterRatio = 0 }, silenceTimeout: TimeSpan.FromSeconds(30), time: time, closeTimeout: TimeSpan.Zero);
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();
        await server.SendTextAsync("heard");
        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => _protocol.Messages.Count == 1);
        var reconnecting = NextStatus<ReconnectingWebSocketStatus.Reconnecting>(core);

        _scheduler.AdvanceBy(TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromSeconds(30) - Tick);
        core.IsOpen.Should().BeTrue("neither the scheduler's time nor less than the timeout trips the watchdog");
        time.Advance(Tick);

        core.IsOpen.Should().BeFalse();
        (await reconnecting).CloseStatus.Should().BeNull("a silent server is a loss without a close handshake");
        _logger.Messages.Should().Contain(m => m.StartsWith("4012 Test socket heard nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_closes_with_a_handshake_completes_the_status_and_tells_the_protocol_once()
    {
        var core = CreateCore(ReconnectPolicy.Default, closeTimeout: TestTimeouts.Wait);
        var last = core.Status.LastAsync().ToTask();
        await core.ConnectAsync();
        var server = await _server.AcceptAsync();
        var serverSide = Task.Run(async () =>
        {
            var close = await server.ReceiveTextAsync();
            await server.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return (close.Type, server.Socket.CloseStatus, server.Socket.CloseStatusDescription);
        });

        await core.DisposeAsync();
        await core.DisposeAsync();

        (await serverSide.WaitAsync(TestTimeouts.Wait)).Should().Be((WebSocketMessageType.Close, WebSocketCloseStatus.NormalClosure, "client_closed"));
        var closed = new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, 1000, "client_closed");
        (await last.WaitAsync(TestTimeouts.Wait)).Should().Be(closed);
        _protocol.Closed.Should().Equal(closed);
        core.Completion.IsCompleted.Should().BeTrue();
        (await core.TrySendAsync(static t => Encoding.UTF8.GetBytes(t), "late", WebSocketMessageType.Text, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task Observers_and_the_protocol_run_under_no_lock_and_may_call_back_or_block_on_a_dispose_from_another_thread()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 };
        var core = CreateCore(policy, closeTimeout: TimeSpan.FromMilliseconds(200));
        var held = new ConcurrentQueue<string>();
        void Probe(string what)
        {
            foreach (var gate in LockProbe.HeldFrom(core))
            {
                held.Enqueue($"{what}: {gate}");
            }
        }

        bool? disposedInTime = null;
        _protocol.OnEach = what =>
        {
            Probe(what);
            if (what == "message block")
            {
                // Holds the receive loop until a dispose on another thread is through.
                disposedInTime = Task.Run(() => core.DisposeAsync().AsTask()).Wait(TestTimeouts.Wait);
            }
        };
        var statuses = new ConcurrentQueue<ReconnectingWebSocketStatus>();
        using var observer = core.Status.Subscribe(
            s =>
            {
                Probe("observer " + s.GetType().Name);
                statuses.Enqueue(s);
                // Calls back in: reads the status and stops nothing.
                _ = core.CurrentStatus;
                _ = core.IsOpen;
            },
            () => Probe("observer completed"));
        await core.ConnectAsync();
        (await _server.AcceptAsync()).Drop();
        await NextStatus<ReconnectingWebSocketStatus.Reconnecting>(core);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var second = await _server.AcceptAsync();
        await NextStatus<ReconnectingWebSocketStatus.Open>(core, o => o.Reconnected);

        await second.SendTextAsync("block");

        await core.Status.LastAsync().ToTask().WaitAsync(TestTimeouts.Wait);
        await core.Completion.WaitAsync(TestTimeouts.Wait); // the loop ends once the protocol's call that waited returned
        disposedInTime.Should().BeTrue("the dispose must not wait for a lock held, or a loop held, while the protocol runs");
        statuses.Should().Equal(
            new ReconnectingWebSocketStatus.Connecting(),
            new ReconnectingWebSocketStatus.Open(false),
            new ReconnectingWebSocketStatus.Reconnecting(1, TimeSpan.FromSeconds(1), null, null),
            new ReconnectingWebSocketStatus.Open(true),
            new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, 1000, "client_closed"));
        _protocol.Closed.Should().ContainSingle();
        held.Should().BeEmpty("no observer and no call into the protocol may run under a lock of the core");
    }

    /// <summary>A protocol that records what the core tells it.</summary>
    private sealed class RecordingProtocol : IWebSocketProtocol
    {
        private readonly ConcurrentQueue<(WebSocketMessageType, string)> _messages = new();
        private readonly ConcurrentQueue<ReconnectingWebSocketStatus> _statuses = new();
        private readonly ConcurrentQueue<ReconnectingWebSocketStatus.Closed> _closed = new();
        private int _keepAlives;

        public Func<int, bool> Final { get; set; } = _ => false;

        public Func<CancellationToken, Task> KeepAlive { get; set; } = _ => Task.CompletedTask;

        /// <summary>Runs on every call, named ("message x", "status Open", "closed").</summary>
        public Action<string> OnEach { get; set; } = _ => { };

        public IReadOnlyList<(WebSocketMessageType Type, string Text)> Messages => [.. _messages];

        public IReadOnlyList<ReconnectingWebSocketStatus> Statuses => [.. _statuses];

        public IReadOnlyList<ReconnectingWebSocketStatus.Closed> Closed => [.. _closed];

        public int KeepAlivesAsked => Volatile.Read(ref _keepAlives);

        public void OnMessage(ReadOnlySpan<byte> message, WebSocketMessageType type, long receivedTimestamp)
        {
            var text = Encoding.UTF8.GetString(message);
            _messages.Enqueue((type, text));
            OnEach("message " + text);
        }

        public bool IsFinal(int closeStatus) => Final(closeStatus);

        public Task SendKeepAliveAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _keepAlives);
            return KeepAlive(cancellationToken);
        }

        public void OnStatus(ReconnectingWebSocketStatus status)
        {
            _statuses.Enqueue(status);
            OnEach("status " + status.GetType().Name);
        }

        public void OnClosed(ReconnectingWebSocketStatus.Closed closed)
        {
            _closed.Enqueue(closed);
            OnEach("closed");
        }
    }
}
