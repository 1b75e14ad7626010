using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>The chat socket over a real ClientWebSocket on loopback, against the fake KonPro server.</summary>
public sealed class ChatSocketIntegrationTests : IAsyncLifetime
{
    private KonProFakeServer _server = null!;
    private FakeSessions _sessions = null!;

    public async Task InitializeAsync() => (_server, _sessions) = await FakeSessions.StartAsync();

    public async Task DisposeAsync()
    {
        _sessions.Dispose();
        await _server.DisposeAsync();
    }

    private static Task<T> Next<T>(IObservable<T> source, Func<T, bool>? predicate = null) =>
        source.Where(v => predicate?.Invoke(v) ?? true).FirstAsync().ToTask().WaitAsync(TestTimeouts.Wait);

    private static Task<ChatSocketStatus> NextStatus<T>(ChatSocket socket, Func<T, bool>? predicate = null)
        where T : ChatSocketStatus =>
        Next(socket.Status, s => s is T t && (predicate?.Invoke(t) ?? true));

    [Fact]
    public async Task Connects_with_a_real_session_token_and_receives_the_avatars_events()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId));
        var utterance = Next(socket.Events.Utterances());
        var names = socket.Events.TakeUntil(e => e is AvatarStopTalking).Select(e => e.Name).ToList().ToTask();

        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);
        await _sessions.SpeakAsync(token, sessionId, "Hello there from the fake avatar");

        var said = await utterance;
        said.Text.Should().Be("Hello there from the fake avatar");
        said.WasInterrupted.Should().BeFalse();
        said.DurationMs.Should().BeGreaterThan(0);
        (await names.WaitAsync(TestTimeouts.Wait)).Should().StartWith(StreamingEvents.AvatarStartTalking)
            .And.Contain(StreamingEvents.AvatarTalkingMessage)
            .And.EndWith([StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking]);
        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Open(false));
    }

    [Fact]
    public async Task A_text_frame_is_a_typed_user_message_the_avatar_answers()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId));
        var user = Next(socket.Events.OfType<UserTalkingMessage>());
        var answer = Next(socket.Events.OfType<AvatarStartTalking>());
        await socket.ConnectAsync();

        await socket.SendTextAsync("What is your name?");

        (await user).Message.Should().Be("What is your name?");
        await answer;
        _server.Journal.ChatFrames.Should().Contain(f => f.Text == "What is your name?");
    }

    [Fact]
    public async Task Voice_chat_audio_is_heard_by_the_fake_voice_activity_detector()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId));
        var userStart = Next(socket.Events.OfType<UserStart>());
        var userStop = Next(socket.Events.OfType<UserStop>());
        await socket.ConnectAsync();
        var clip = AudioClips.Tone(TimeSpan.FromMilliseconds(640), 300, 0.5).Concat(AudioClips.Silence(TimeSpan.FromMilliseconds(800))).ToArray();
        await using var source = new PcmStreamAudioSource(new MemoryStream(clip));
        await using var pump = new VoiceChatPump(source, socket.SendAudioAsync, DefaultScheduler.Instance);

        await pump.StartAsync();
        await pump.Completion.WaitAsync(TestTimeouts.Wait);

        await userStart;
        await userStop;
        pump.ChunksSent.Should().Be((clip.Length + 1023) / 1024);
        List<Testing.ChatFrameRecord> AudioFrames() => _server.Journal.ChatFrames.Where(f => f.Frame?.Audio is not null).ToList();
        using (var wait = new CancellationTokenSource(TestTimeouts.Wait))
        {
            // The last frames may still be on their way to the server when the pump completes.
            while (AudioFrames().Count < pump.ChunksSent)
            {
                await Task.Delay(10, wait.Token);
            }
        }

        var audio = AudioFrames();
        audio.Should().HaveCount((int)pump.ChunksSent);
        audio.Should().AllSatisfy(f =>
        {
            f.Frame!.Audio.SampleRate.Should().Be(16000U);
            f.Frame.Audio.NumChannels.Should().Be(1U);
            f.Frame.Audio.Audio.Length.Should().Be(1024);
        });
    }

    [Fact]
    public async Task A_bad_token_is_closed_with_4401_unauthorized()
    {
        var (_, sessionId) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options("not-a-token", sessionId, ReconnectPolicy.Default));
        var closed = NextStatus<ChatSocketStatus.Closed>(socket);

        await socket.ConnectAsync();

        (await closed).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.Unauthorized, 4401, "unauthorized"));
    }

    [Fact]
    public async Task An_unknown_session_is_closed_with_4404()
    {
        var (token, _) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options(token, "no-such-session"));
        var closed = NextStatus<ChatSocketStatus.Closed>(socket);

        await socket.ConnectAsync();

        (await closed).Should().BeOfType<ChatSocketStatus.Closed>().Which.Reason.Should().Be(DisconnectReason.SessionNotFound);
    }

    [Fact]
    public async Task Stopping_the_session_closes_with_1000_and_no_reconnect()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId, ReconnectPolicy.Default));
        var closed = NextStatus<ChatSocketStatus.Closed>(socket);
        var eventsDone = socket.Events.LastOrDefaultAsync().ToTask();
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        await _sessions.StopAsync(token, sessionId);

        (await closed).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, 1000, "session_stopped"));
        await eventsDone.WaitAsync(TestTimeouts.Wait);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task It_reconnects_after_a_server_restart_close_or_an_abrupt_loss(bool abrupt)
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), JitterRatio = 0 };
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId, policy));
        var reconnecting = NextStatus<ChatSocketStatus.Reconnecting>(socket);
        var reopened = NextStatus<ChatSocketStatus.Open>(socket, o => o.Reconnected);
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        var dropped = abrupt ? _server.Faults.AbortChat(sessionId) : _server.Faults.CloseChat(sessionId, 1012, "service_restart");
        dropped.Should().Be(1);

        var status = (ChatSocketStatus.Reconnecting)await reconnecting;
        status.Attempt.Should().Be(1);
        status.Reason.Should().Be(abrupt ? DisconnectReason.NetworkLost : DisconnectReason.ServerClosed);
        status.CloseStatus.Should().Be(abrupt ? null : 1012);
        await reopened;
        await _sessions.WaitForChatSocketAsync(sessionId, binding: 2);

        var utterance = Next(socket.Events.Utterances());
        await _sessions.SpeakAsync(token, sessionId, "still here");
        (await utterance).Text.Should().Be("still here");
    }

    [Fact]
    public async Task Events_split_across_frames_are_reassembled()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        _server.Faults.SplitEvents(7, sessionId);
        var logger = new ListLogger();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId) with { Logger = logger });
        var utterance = Next(socket.Events.Utterances());
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        await _sessions.SpeakAsync(token, sessionId, "split into many little frames");

        (await utterance).Text.Should().Be("split into many little frames");
        logger.Messages.Should().NotContain(m => m.StartsWith("4005 ", StringComparison.Ordinal), "every split event was reassembled whole");
    }

    [Fact]
    public async Task Malformed_unknown_and_oversized_events_do_not_break_the_stream()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        var logger = new ListLogger();
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId) with { Logger = logger });
        var unknown = Next(socket.Events.OfType<UnknownStreamingEvent>());
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        _server.Faults.SendMalformedEvent(sessionId).Should().Be(1);
        _server.Faults.SendOversizedEvent(sessionId).Should().Be(1);
        _server.Faults.SendUnknownEvent(sessionId, "avatar_mood_changed").Should().Be(1);

        // The unknown event was sent last and the receive loop is ordered: the two before it were skipped and logged.
        (await unknown).Name.Should().Be("avatar_mood_changed");
        logger.Messages.Select(m => m.Split(' ')[0]).Where(id => id is "4005" or "4006").Should().Equal("4005", "4006");
        var utterance = Next(socket.Events.Utterances());
        await _sessions.SpeakAsync(token, sessionId, "and on it goes");
        (await utterance).Text.Should().Be("and on it goes");
    }

    [Fact]
    public async Task Duplicated_events_are_all_delivered_by_the_socket()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        _server.Faults.DuplicateEvents(true, sessionId);
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId));
        var all = socket.Events.TakeWhile(e => e is not AvatarStopTalking).ToList().ToTask();
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        await _sessions.SpeakAsync(token, sessionId, "one two three four five six");

        var raw = await all.WaitAsync(TestTimeouts.Wait);
        raw.Count(e => e is AvatarStartTalking).Should().Be(2);
        raw.OfType<AvatarTalkingMessage>().Select(m => m.Message).Should().Equal("one two three", "one two three", " four five six", " four five six");
    }

    [Fact]
    public async Task A_refused_upgrade_is_reported_with_its_http_status()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        _server.Faults.RefuseChatSockets(true, sessionId);
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId));

        var refusal = await socket.Invoking(s => s.ConnectAsync()).Should().ThrowAsync<ChatSocketHandshakeException>();

        refusal.Which.HttpStatus.Should().Be(503);
        refusal.Which.Message.Should().NotContain(token);
        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ServerClosed, null, null));
    }

    [Fact]
    public async Task Failed_reconnects_give_up_and_never_log_the_token()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        var logger = new ListLogger();
        var policy = new ReconnectPolicy { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(20), JitterRatio = 0 };
        await using var socket = new ChatSocket(_sessions.Options(token, sessionId, policy) with { Logger = logger });
        var closed = NextStatus<ChatSocketStatus.Closed>(socket);
        await socket.ConnectAsync();
        await _sessions.WaitForChatSocketAsync(sessionId);

        _server.Faults.RefuseChatSockets(true, sessionId);
        _server.Faults.AbortChat(sessionId).Should().Be(1);

        (await closed).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.NetworkLost, null, null));
        logger.Messages.Should().Contain(m => m.Contains("session_token=***", StringComparison.Ordinal));
        logger.Messages.Should().Contain(m => m.Contains("HTTP 503", StringComparison.Ordinal), "each refused attempt is logged");
        logger.Messages.Should().NotContain(m => m.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_closes_the_socket_normally()
    {
        var (token, sessionId) = await _sessions.NewStartedSessionAsync();
        var socket = new ChatSocket(_sessions.Options(token, sessionId));
        await socket.ConnectAsync();

        await socket.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        (await socket.LatestStatusAsync()).Should().Be(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, 1000, "client_closed"));
        await socket.Events.LastOrDefaultAsync().ToTask().WaitAsync(TestTimeouts.Wait); // the receive loop has ended: its stream completed
    }
}
