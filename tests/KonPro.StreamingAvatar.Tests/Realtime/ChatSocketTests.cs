using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Api.Frames;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.TestSupport.Concurrency;
using KonPro.Streaming.Tests.Realtime.Support;

namespace KonPro.Streaming.Tests.Realtime;

public sealed class ChatSocketTests : IAsyncLifetime
{
    private const string Token = "secret-session-token";
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly InMemoryWebSocketConnector _connector = new();
    private readonly HistoricalScheduler _scheduler = new(Now);
    private readonly ListLogger _logger = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    private ChatSocket CreateSocket(ReconnectPolicy? policy = null, int maxMessageBytes = 1024 * 1024, TimeSpan? closeTimeout = null, Counter<long>? droppedAudioFrames = null) =>
        new(
            new ChatSocketOptions
            {
                BaseUri = new Uri("http://fake.local"),
                SessionId = "s-1",
                SessionToken = Token,
                ReconnectPolicy = policy,
                Scheduler = _scheduler,
                TimeProvider = new FixedTimeProvider(Now),
                Logger = _logger,
                MaxMessageBytes = maxMessageBytes,
                DroppedAudioFrames = droppedAudioFrames,
                CloseTimeout = closeTimeout ?? TimeSpan.FromMilliseconds(200), // the in-memory server rarely answers a close
            },
            _connector);

    private static Task<T> NextStatus<T>(ChatSocket socket, Func<T, bool>? predicate = null)
        where T : ChatSocketStatus =>
        socket.Status.OfType<T>().Where(s => predicate?.Invoke(s) ?? true).FirstAsync().ToTask().WaitAsync(TestTimeouts.Wait);

    // Whether the server side sees its connection end (a close, or the connection dropped) rather than stay open.
    private static async Task<bool> ServerSeesTheEndAsync(ServerSideWebSocket server)
    {
        try
        {
            while (true)
            {
                var (type, _) = await server.ReceiveAsync(TestTimeouts.Wait);
                if (type == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false; // still open when the wait ran out
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            return true;
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Wait);
        while (!condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }

    [Fact]
    public async Task Connect_opens_the_socket_with_the_session_url()
    {
        await using var socket = CreateSocket();
        var statuses = new List<ChatSocketStatus>();
        using var _ = socket.Status.Subscribe(statuses.Add);

        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        server.Uri.ToString().Should().Be($"ws://fake.local/v1/ws/streaming.chat?session_id=s-1&session_token={Token}&silence_response=false&push_to_talk=false");
        statuses.Should().Equal(new ChatSocketStatus.Connecting(), new ChatSocketStatus.Open(false));
    }

    [Fact]
    public async Task Server_messages_arrive_as_typed_events_in_order()
    {
        await using var socket = CreateSocket();
        var received = socket.Events.Take(3).ToList().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.SendTextAsync("""{"event_type":"avatar_start_talking","task_id":"t1"}""");
        await server.SendTextAsync("""{"event_type":"avatar_talking_message","task_id":"t1","message":"Hi"}""");
        await server.SendTextAsync("""{"event_type":"avatar_stop_talking","task_id":"t1","duration_ms":900}""");

        var events = await received.WaitAsync(TestTimeouts.Wait);
        events.Select(e => e.GetType()).Should().Equal(typeof(AvatarStartTalking), typeof(AvatarTalkingMessage), typeof(AvatarStopTalking));
        events.Should().AllSatisfy(e =>
        {
            e.SessionId.Should().Be("s-1");
            e.ReceivedAt.Should().Be(Now);
            e.TaskId.Should().Be("t1");
        });
        ((AvatarTalkingMessage)events[1]).Message.Should().Be("Hi");
    }

    [Fact]
    public async Task A_message_split_across_frames_is_reassembled()
    {
        await using var socket = CreateSocket();
        var received = socket.Events.FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        const string json = """{"event_type":"user_talking_message","task_id":"u1","message":"split ünïcode across frames"}""";
        await server.SendFragmentedAsync(json, 5, 30, 62);

        var evt = await received.WaitAsync(TestTimeouts.Wait);
        evt.Should().BeOfType<UserTalkingMessage>().Which.Message.Should().Be("split ünïcode across frames");
    }

    [Fact]
    public async Task A_large_message_grows_the_buffer()
    {
        await using var socket = CreateSocket();
        var received = socket.Events.FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        var text = new string('a', 100_000);

        await server.SendFragmentedAsync($$"""{"event_type":"avatar_talking_message","message":"{{text}}"}""", 10_000, 50_000);

        (await received.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<AvatarTalkingMessage>().Which.Message.Should().Be(text);
    }

    [Fact]
    public async Task Malformed_oversized_and_binary_messages_are_logged_and_skipped_and_the_stream_goes_on()
    {
        await using var socket = CreateSocket(maxMessageBytes: 1024);
        var next = socket.Events.FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.SendTextAsync("this is not json");
        await server.SendFragmentedAsync($$"""{"event_type":"avatar_talking_message","message":"{{new string('x', 5000)}}"}""", 700, 1500, 3000);
        await server.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await server.SendTextAsync("""{"event_type":"user_start"}""");

        // The next event is the first thing the socket delivers: the three messages before it were skipped, in order
        // on the one receive loop, so their log lines are written by now.
        (await next.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<UserStart>();
        _logger.Messages.Where(m => m.StartsWith("4005 ", StringComparison.Ordinal) || m.StartsWith("4006 ", StringComparison.Ordinal) || m.StartsWith("4007 ", StringComparison.Ordinal)).Should().SatisfyRespectively(
            malformed => malformed.Should().StartWith("4005 Chat socket received a malformed message (16 bytes)"),
            oversized => oversized.Should().MatchRegex(@"^4006 Chat socket discarded a message of more than 1024 bytes \(5\d{3} bytes\)"),
            binary => binary.Should().StartWith("4007 Chat socket received an unexpected binary message (3 bytes)"));
        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Open(false));
    }

    [Fact]
    public async Task An_observer_that_throws_does_not_end_the_receive_loop()
    {
        await using var socket = CreateSocket();
        var thrown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var bad = socket.Events.Subscribe(_ =>
        {
            thrown.TrySetResult();
            throw new InvalidOperationException("observer bug");
        });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.SendTextAsync("""{"event_type":"user_start"}""");
        await thrown.Task.WaitAsync(TestTimeouts.Wait);
        var next = socket.Events.FirstAsync().ToTask();
        await server.SendTextAsync("""{"event_type":"user_stop"}""");

        // Rx detaches the observer that threw; the loop and everyone else carry on.
        (await next.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<UserStop>();
        _logger.Messages.Should().Contain(m => m.StartsWith("4010 ", StringComparison.Ordinal));
        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Open(false));
    }

    [Theory]
    [InlineData(1000, "session_stopped", DisconnectReason.ClientStop)]
    [InlineData(4001, "idle_timeout", DisconnectReason.IdleTimeout)]
    [InlineData(4002, "duration_limit", DisconnectReason.DurationLimit)]
    [InlineData(4401, "unauthorized", DisconnectReason.Unauthorized)]
    [InlineData(4404, "session_not_found", DisconnectReason.SessionNotFound)]
    public async Task A_final_close_closes_the_socket_without_reconnecting(int status, string text, DisconnectReason reason)
    {
        await using var socket = CreateSocket(ReconnectPolicy.Default);
        var eventsDone = socket.Events.LastOrDefaultAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.CloseAsync(status, text);

        var closed = await NextStatus<ChatSocketStatus.Closed>(socket);
        closed.Should().Be(new ChatSocketStatus.Closed(reason, status, text));
        await eventsDone.WaitAsync(TestTimeouts.Wait);
        await socket.Status.LastAsync().ToTask().WaitAsync(TestTimeouts.Wait);
        _connector.Attempts.Should().Be(1);
        (await server.ReceiveAsync(TestTimeouts.Wait)).Type.Should().Be(WebSocketMessageType.Close, "the client completes the close handshake");
    }

    [Fact]
    public async Task A_retryable_drop_without_a_policy_closes_the_socket()
    {
        await using var socket = CreateSocket(policy: null);
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.CloseAsync(1011, "internal_error");

        (await NextStatus<ChatSocketStatus.Closed>(socket)).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ServerClosed, 1011, "internal_error"));
    }

    [Fact]
    public async Task After_an_abrupt_loss_it_reconnects_after_the_backoff_in_virtual_time()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), JitterRatio = 0 };
        await using var socket = CreateSocket(policy);
        await socket.ConnectAsync();
        var first = await _connector.AcceptAsync();
        var afterReconnect = socket.Events.FirstAsync().ToTask();

        first.Abort();

        var reconnecting = await NextStatus<ChatSocketStatus.Reconnecting>(socket);
        reconnecting.Should().Be(new ChatSocketStatus.Reconnecting(1, TimeSpan.FromSeconds(1), DisconnectReason.NetworkLost, null, null));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        _connector.Attempts.Should().Be(1, "the attempt waits for the delay on the injected scheduler");

        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        var second = await _connector.AcceptAsync();
        (await NextStatus<ChatSocketStatus.Open>(socket, o => o.Reconnected)).Reconnected.Should().BeTrue();

        await second.SendTextAsync("""{"event_type":"user_start"}""");
        (await afterReconnect.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<UserStart>();
    }

    [Fact]
    public async Task Reconnect_attempts_back_off_and_give_up_after_the_maximum()
    {
        var policy = new ReconnectPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3), JitterRatio = 0 };
        await using var socket = CreateSocket(policy);
        var reconnects = new List<ChatSocketStatus.Reconnecting>();
        using var _ = socket.Status.OfType<ChatSocketStatus.Reconnecting>().Subscribe(r => { lock (reconnects) { reconnects.Add(r); } });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        _connector.Failure = () => new WebSocketException(WebSocketError.Faulted, "refused");

        await server.CloseAsync(1012, "service_restart");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var r = await NextStatus<ChatSocketStatus.Reconnecting>(socket, s => s.Attempt == attempt);
            _scheduler.AdvanceBy(r.Delay);
        }

        var closed = await NextStatus<ChatSocketStatus.Closed>(socket);
        closed.Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ServerClosed, 1012, "service_restart"));
        lock (reconnects)
        {
            reconnects.Select(r => (r.Attempt, r.Delay.TotalSeconds)).Should().Equal((1, 1d), (2, 2d), (3, 3d));
        }

        _connector.Attempts.Should().Be(4);
    }

    [Fact]
    public async Task It_does_not_reconnect_once_the_session_is_over()
    {
        await using var socket = CreateSocket(new ReconnectPolicy { JitterRatio = 0 });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        socket.StopReconnecting();

        server.Abort();

        (await NextStatus<ChatSocketStatus.Closed>(socket)).Reason.Should().Be(DisconnectReason.NetworkLost);
        _connector.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task A_refused_reconnect_handshake_ends_the_retries()
    {
        await using var socket = CreateSocket(new ReconnectPolicy { JitterRatio = 0 });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        _connector.Failure = () => new ChatSocketHandshakeException(404, null);

        server.Abort();
        var r = await NextStatus<ChatSocketStatus.Reconnecting>(socket);
        _scheduler.AdvanceBy(r.Delay);

        (await NextStatus<ChatSocketStatus.Closed>(socket)).Reason.Should().Be(DisconnectReason.NetworkLost);
        _connector.Attempts.Should().Be(2);
    }

    [Fact]
    public async Task Audio_and_text_go_out_as_pipecat_frames()
    {
        await using var socket = CreateSocket();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        var pcm = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();

        await socket.SendAudioAsync(pcm);
        await socket.SendTextAsync("hello avatar");

        var audio = await server.ReceiveAsync(TestTimeouts.Wait);
        audio.Type.Should().Be(WebSocketMessageType.Binary);
        var audioFrame = Frame.Parser.ParseFrom(audio.Bytes).Audio;
        audioFrame.Audio.ToByteArray().Should().Equal(pcm);
        audioFrame.SampleRate.Should().Be(16000U);
        var text = Frame.Parser.ParseFrom((await server.ReceiveAsync(TestTimeouts.Wait)).Bytes);
        text.Text.Text.Should().Be("hello avatar");
        text.Text.Id.Should().Be(audioFrame.Id + 1);
    }

    [Fact]
    public async Task Concurrent_senders_never_interleave_frames()
    {
        await using var socket = CreateSocket();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        var senders = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                if (i % 5 == 0)
                {
                    await socket.SendTextAsync($"sender {n} message {i}");
                }
                else
                {
                    await socket.SendAudioAsync(Enumerable.Repeat((byte)n, 1024).ToArray());
                }
            }
        }));
        await Task.WhenAll(senders).WaitAsync(TestTimeouts.Wait);

        var ids = new HashSet<ulong>();
        for (var i = 0; i < 200; i++)
        {
            var frame = Frame.Parser.ParseFrom((await server.ReceiveAsync(TestTimeouts.Wait)).Bytes);
            if (frame.FrameCase == Frame.FrameOneofCase.Audio)
            {
                frame.Audio.Audio.ToByteArray().Distinct().Should().ContainSingle();
                ids.Add(frame.Audio.Id).Should().BeTrue();
            }
            else
            {
                frame.Text.Text.Should().StartWith("sender ");
                ids.Add(frame.Text.Id).Should().BeTrue();
            }
        }

        ids.Should().HaveCount(200);
    }

    [Fact]
    public async Task Audio_is_dropped_while_reconnecting_counted_and_logged_once_and_text_is_refused()
    {
        using var meter = new Meter("test.chat-socket." + Guid.NewGuid());
        var counter = meter.CreateCounter<long>("frames_dropped");
        var dropped = new List<long>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument == counter) { l.EnableMeasurementEvents(instrument); } } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (dropped) { dropped.Add(value); } });
        listener.Start();
        await using var socket = CreateSocket(new ReconnectPolicy { JitterRatio = 0 }, droppedAudioFrames: counter);
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        server.Abort();
        var reconnecting = await NextStatus<ChatSocketStatus.Reconnecting>(socket);

        await socket.SendAudioAsync(new byte[1024]);
        await socket.SendAudioAsync(new byte[1024]);

        dropped.Should().Equal(1, 1);
        await socket.Invoking(s => s.SendTextAsync("hi").AsTask()).Should().ThrowAsync<InvalidOperationException>();
        _logger.Messages.Should().NotContain(m => m.StartsWith("4011 ", StringComparison.Ordinal), "the outage is reported when it ends");

        var reopened = NextStatus<ChatSocketStatus.Open>(socket, o => o.Reconnected);
        _scheduler.AdvanceBy(reconnecting.Delay);
        await _connector.AcceptAsync();
        await reopened;
        await socket.SendAudioAsync(new byte[1024]);

        _logger.Messages.Should().ContainSingle(m => m.StartsWith("4011 ", StringComparison.Ordinal))
            .Which.Should().Contain("dropped 2 voice chat audio frames");
        dropped.Should().HaveCount(2, "audio sent on the open socket is not dropped");
    }

    [Fact]
    public async Task Dispose_closes_normally_completes_every_stream_and_is_idempotent()
    {
        var socket = CreateSocket(ReconnectPolicy.Default, closeTimeout: TestTimeouts.Wait);
        var eventsDone = socket.Events.LastOrDefaultAsync().ToTask();
        var lastStatus = socket.Status.LastAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        var serverSide = Task.Run(async () =>
        {
            var close = await server.ReceiveAsync(TestTimeouts.Wait);
            await server.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return (close.Type, server.Socket.CloseStatus);
        });

        await socket.DisposeAsync();
        await socket.DisposeAsync();

        (await serverSide.WaitAsync(TestTimeouts.Wait)).Should().Be((WebSocketMessageType.Close, WebSocketCloseStatus.NormalClosure));
        await eventsDone.WaitAsync(TestTimeouts.Wait);
        (await lastStatus.WaitAsync(TestTimeouts.Wait)).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, 1000, "client_closed"));
        _connector.Attempts.Should().Be(1);
        await socket.Invoking(s => s.SendAudioAsync(new byte[2]).AsTask()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Dispose_mid_message_and_without_a_server_answer_still_ends()
    {
        var options = new ChatSocketOptions
        {
            BaseUri = new Uri("http://fake.local"),
            SessionId = "s-1",
            SessionToken = Token,
            CloseTimeout = TimeSpan.FromMilliseconds(50),
        };
        var socket = new ChatSocket(options, _connector);
        var lastStatus = socket.Status.LastAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        await server.Socket.SendAsync("""{"event_type":"us"""u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);

        await socket.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        (await lastStatus.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<ChatSocketStatus.Closed>().Which.Reason.Should().Be(DisconnectReason.ClientStop);
        await socket.Events.LastOrDefaultAsync().ToTask().WaitAsync(TestTimeouts.Wait); // the receive loop has ended: its stream completed
    }

    [Fact]
    public async Task Dispose_while_waiting_to_reconnect_ends_at_once()
    {
        var socket = CreateSocket(new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(5), JitterRatio = 0 });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        server.Abort();
        await NextStatus<ChatSocketStatus.Reconnecting>(socket);

        await socket.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, 1000, "client_closed"));
        _connector.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task An_observer_may_dispose_the_socket_from_its_callback()
    {
        var socket = CreateSocket();
        var disposing = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = socket.Events.Subscribe(e => disposing.TrySetResult(socket.DisposeAsync().AsTask()));
        var eventsDone = socket.Events.LastOrDefaultAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await server.SendTextAsync("""{"event_type":"user_start"}""");

        await (await disposing.Task.WaitAsync(TestTimeouts.Wait)).WaitAsync(TestTimeouts.Wait);
        await eventsDone.WaitAsync(TestTimeouts.Wait);
        (await socket.LatestStatusAsync()).Should().BeOfType<ChatSocketStatus.Closed>().Which.Reason.Should().Be(DisconnectReason.ClientStop);
    }

    [Fact]
    public async Task Observers_of_status_and_events_run_under_no_lock_of_the_socket()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 };
        var socket = CreateSocket(policy);
        var held = new ConcurrentQueue<string>();
        var seen = new ConcurrentQueue<string>();
        void Probe(string what)
        {
            seen.Enqueue(what);
            foreach (var gate in LockProbe.HeldFrom(socket))
            {
                held.Enqueue($"{what}: {gate}");
            }
        }

        using var status = socket.Status.Subscribe(s => Probe(s.GetType().Name), () => Probe("status completed"));
        using var events = socket.Events.Subscribe(e => Probe(e.Name), () => Probe("events completed"));
        await socket.ConnectAsync();
        var first = await _connector.AcceptAsync();
        first.Abort();
        await NextStatus<ChatSocketStatus.Reconnecting>(socket);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var second = await _connector.AcceptAsync();
        await NextStatus<ChatSocketStatus.Open>(socket, o => o.Reconnected);
        var received = socket.Events.FirstAsync().ToTask();
        await second.SendTextAsync("""{"event_type":"user_start"}""");
        await received.WaitAsync(TestTimeouts.Wait);

        await socket.DisposeAsync();

        seen.Should().Contain(["Connecting", "Open", "Reconnecting", "user_start", "Closed", "status completed", "events completed"]);
        held.Should().BeEmpty("an observer (the engine's, and through it the users' State observers) must never run under a lock of the socket");
    }

    [Fact]
    public async Task A_status_observer_that_waits_for_a_dispose_on_another_thread_does_not_deadlock_and_the_connect_gives_up()
    {
        var socket = CreateSocket();
        bool? disposedInTime = null;
        var statuses = new ConcurrentQueue<ChatSocketStatus>();
        using var _ = socket.Status.Subscribe(s =>
        {
            statuses.Enqueue(s);
            if (s is ChatSocketStatus.Open)
            {
                // Blocks the thread that publishes Open (the connect's) until a dispose on another thread is through.
                disposedInTime = Task.Run(() => socket.DisposeAsync().AsTask()).Wait(TestTimeouts.Wait);
            }
        });

        var connecting = socket.ConnectAsync();
        var server = await _connector.AcceptAsync();

        await FluentActions.Awaiting(() => connecting.WaitAsync(TestTimeouts.Wait)).Should().ThrowAsync<ObjectDisposedException>();
        disposedInTime.Should().BeTrue("the dispose must not wait for a lock held while the observer runs");
        statuses.Should().Equal(new ChatSocketStatus.Connecting(), new ChatSocketStatus.Open(false), new ChatSocketStatus.Closed(DisconnectReason.ClientStop, null, null));
        await socket.Events.LastOrDefaultAsync().ToTask().WaitAsync(TestTimeouts.Wait);
        (await ServerSeesTheEndAsync(server)).Should().BeTrue("the connection the dispose raced is dropped, not left open");
    }

    private sealed class HangingConnector : IWebSocketConnector
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    [Fact]
    public async Task Dispose_during_the_handshake_cancels_it_and_closes_as_a_client_stop()
    {
        var connector = new HangingConnector();
        var socket = new ChatSocket(new ChatSocketOptions { BaseUri = new Uri("http://fake.local"), SessionId = "s", SessionToken = Token }, connector);
        var connecting = socket.ConnectAsync();
        await connector.Entered.Task.WaitAsync(TestTimeouts.Wait);

        await socket.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        await FluentActions.Awaiting(() => connecting.WaitAsync(TestTimeouts.Wait)).Should().ThrowAsync<ObjectDisposedException>();
        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, null, null), "no connection was there to close");
    }

    [Fact]
    public async Task A_message_of_exactly_the_maximum_size_is_kept()
    {
        await using var socket = CreateSocket(maxMessageBytes: 2048);
        var received = socket.Events.FirstAsync().ToTask();
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        const string prefix = "{\"event_type\":\"avatar_talking_message\",\"message\":\"";
        var json = prefix + new string('m', 2048 - prefix.Length - 2) + "\"}";
        System.Text.Encoding.UTF8.GetByteCount(json).Should().Be(2048);

        await server.SendFragmentedAsync(json, 1000, 2047);

        (await received.WaitAsync(TestTimeouts.Wait)).Should().BeOfType<AvatarTalkingMessage>().Which.Message.Should().HaveLength(2048 - prefix.Length - 2);
        _logger.Messages.Should().NotContain(m => m.StartsWith("4005 ", StringComparison.Ordinal) || m.StartsWith("4006 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_first_connection_is_final_and_reported()
    {
        await using var socket = CreateSocket(ReconnectPolicy.Default);
        _connector.Failure = () => new ChatSocketHandshakeException(401, null);

        await socket.Invoking(s => s.ConnectAsync()).Should().ThrowAsync<ChatSocketHandshakeException>();

        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.Unauthorized, null, null));
        await socket.Invoking(s => s.ConnectAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Status_replays_the_latest_value_to_late_subscribers()
    {
        await using var socket = CreateSocket();
        await socket.ConnectAsync();

        (await socket.Status.FirstAsync().ToTask().WaitAsync(TestTimeouts.Wait)).Should().Be(new ChatSocketStatus.Open(false));
    }

    [Fact]
    public async Task Logs_never_contain_the_session_token()
    {
        var socket = CreateSocket(new ReconnectPolicy { JitterRatio = 0, MaxAttempts = 1 });
        await socket.ConnectAsync();
        var server = await _connector.AcceptAsync();
        await server.SendTextAsync("garbage");
        _connector.Failure = () => new WebSocketException(WebSocketError.Faulted, "refused");
        server.Abort();
        var r = await NextStatus<ChatSocketStatus.Reconnecting>(socket);
        _scheduler.AdvanceBy(r.Delay);
        await NextStatus<ChatSocketStatus.Closed>(socket);
        await socket.DisposeAsync();

        _logger.Messages.Should().Contain(m => m.Contains("session_token=***", StringComparison.Ordinal));
        _logger.Messages.Should().NotContain(m => m.Contains(Token, StringComparison.Ordinal));
        _logger.Messages.Should().Contain(m => m.StartsWith("4005 ", StringComparison.Ordinal), "the malformed message is logged");
    }
}
