using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Text.Json;
using KonPro.Streaming.TestSupport.Concurrency;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Realtime.Audio;

public sealed class RealtimeAudioSocketTests
{
    [Fact]
    public async Task An_utterance_is_spoken_for_the_length_of_its_audio_and_its_handle_completes()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.1, record: true);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);

        var utterance = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(2500)));

        await utterance.Started.WaitAsync(FakeServerScope.Patience);
        var result = await utterance.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Should().Be(new RealtimeSpeakResult(utterance.EventId, SpeakOutcome.Completed, 2500));
        events.Items.OfType<RealtimeSpeakStarted>().Should().ContainSingle(e => e.EventId == utterance.EventId);
        // The state stream replays the current value: subscribed after OpenAsync, it may already be Connected.
        states.Items.Should().Contain(RealtimeAudioState.Connected);
        states.Items.SkipWhile(s => s == RealtimeAudioState.Connecting).Should().OnlyContain(s => s == RealtimeAudioState.Connected);
        var speaks = rt.SentMessages().Where(m => Type(m) == "agent.speak").ToList();
        speaks.Select(m => Convert.FromBase64String(m.GetProperty("audio").GetString()!).Length).Should().Equal(48_000, 48_000, 24_000);
        speaks.Should().OnlyContain(m => m.GetProperty("event_id").GetString() == utterance.EventId);
        rt.SentMessages().Last().GetProperty("type").GetString().Should().Be("agent.speak_end");
    }

    [Fact]
    public async Task Audio_from_an_sdk_audio_source_is_resampled_to_24_kHz()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.1, record: true);
        await using var source = new PcmStreamAudioSource(new MemoryStream(AudioClips.Tone(TimeSpan.FromSeconds(2))));

        var utterance = await rt.Socket.SpeakAsync(source);

        var result = await utterance.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Completed);
        result.DurationMs.Should().BeInRange(1999, 2000);
        var audio = rt.SentMessages().Where(m => Type(m) == "agent.speak").Select(m => Convert.FromBase64String(m.GetProperty("audio").GetString()!)).ToList();
        audio[0].Length.Should().BeLessThan(48_000, "the first message is short, so the avatar starts soon");
        audio.Sum(a => a.Length).Should().BeInRange(95_990, 96_000);
    }

    [Fact]
    public void The_resampler_keeps_a_tone_a_tone_across_chunk_boundaries()
    {
        var tone = AudioClips.Tone(TimeSpan.FromMilliseconds(500), frequencyHz: 300, amplitude: 0.5);
        var resampler = new PcmResampler(16_000, 24_000);

        var chunks = tone.Chunk(1022).Select(c => resampler.Process(c)).ToList();
        var output = chunks.Append(resampler.Flush()).SelectMany(c => c).ToArray();

        output.Length.Should().BeInRange((12_000 - 2) * 2, 12_000 * 2);
        for (var i = 0; i < (output.Length / 2) - 1; i++)
        {
            var a = BinaryPrimitives.ReadInt16LittleEndian(output.AsSpan(i * 2));
            var expected = 0.5 * short.MaxValue * Math.Sin(2 * Math.PI * 300 * i / 24_000.0);
            Math.Abs(a - expected).Should().BeLessThan(400, $"sample {i} follows the tone");
        }
    }

    [Fact]
    public async Task An_interrupt_cuts_the_utterance_short()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.5);

        var utterance = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromSeconds(20)));
        await utterance.Started.WaitAsync(FakeServerScope.Patience);
        await rt.Socket.InterruptAsync();

        var result = await utterance.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Interrupted);
        result.DurationMs.Should().BeLessThan(20_000);
    }

    [Fact]
    public async Task Nothing_begun_before_an_interrupt_is_spoken_after_it()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.5, record: true);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        var first = rt.Socket.BeginUtterance();
        await first.AppendAsync(Pcm24k(TimeSpan.FromSeconds(20)));
        var second = rt.Socket.BeginUtterance();
        // Audio handed over with a cancelled token is refused whole: the resampler keeps none of it to flush at the end.
        var third = rt.Socket.BeginUtterance(16_000);
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await FluentActions.Awaiting(() => third.AppendAsync(AudioClips.Tone(TimeSpan.FromSeconds(1)), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        }

        await first.Started.WaitAsync(FakeServerScope.Patience);

        await rt.Socket.InterruptAsync();
        await second.AppendAsync(Pcm24k(TimeSpan.FromSeconds(1)));
        await second.EndAsync();
        await third.EndAsync();
        await first.EndAsync();
        var after = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(500)));

        (await after.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed, "an interrupt cuts what was begun before it, not what comes after");
        (await first.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Interrupted);
        (await second.WaitForCompletionAsync(FakeServerScope.Patience)).Should().Be(new RealtimeSpeakResult(second.EventId, SpeakOutcome.Interrupted, 0));
        (await third.WaitForCompletionAsync(FakeServerScope.Patience)).Should().Be(new RealtimeSpeakResult(third.EventId, SpeakOutcome.Interrupted, 0));
        second.Started.IsCanceled.Should().BeTrue();
        third.Started.IsCanceled.Should().BeTrue();
        events.Items.OfType<RealtimeSpeakStarted>().Select(e => e.EventId).Should().Equal(first.EventId, after.EventId);
        var sentFor = rt.SentMessages().Where(m => m.TryGetProperty("event_id", out var id) && id.GetString() is { } v && (v == second.EventId || v == third.EventId)).ToList();
        sentFor.Should().BeEmpty("the audio and the ends of utterances an interrupt cut never go out");
        rt.SentMessages().Where(m => m.TryGetProperty("event_id", out var id) && id.GetString() == first.EventId).Select(Type).Should().NotContain("agent.speak_end");
    }

    [Fact]
    public async Task A_second_interrupt_leaves_an_utterance_the_server_heard_to_the_servers_own_end()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.5);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        var first = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromSeconds(20)));
        await first.Started.WaitAsync(FakeServerScope.Patience);
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // only so that the server's duration is not 0 too

        // The first interrupt cuts it; the second finds it cut but still waiting for the server's end, which it must
        // not pre-empt with an end of its own (as it does for utterances the server never heard of).
        await rt.Socket.InterruptAsync();
        await rt.Socket.InterruptAsync();

        var result = await first.WaitForCompletionAsync(FakeServerScope.Patience);
        var ended = await events.WaitForAsync<RealtimeSpeakInterrupted>(e => e.EventId == first.EventId);
        result.Should().Be(new RealtimeSpeakResult(first.EventId, SpeakOutcome.Interrupted, ended.DurationMs), "the server's end, not a second interrupt's, says how long it spoke");
    }

    [Fact]
    public async Task An_append_that_reaches_the_send_lock_after_an_interrupt_is_dropped_there()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.5, record: true);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        var first = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromSeconds(20)));
        await first.Started.WaitAsync(FakeServerScope.Patience);
        var second = rt.Socket.BeginUtterance();

        // A keep-alive holds the send lock; the interrupt queues for it, then an append of the second utterance does,
        // having already passed every check made before the lock.
        var hold = rt.Opened.Single().HoldNextSend(m => m.Contains("\"session.keep_alive\"", StringComparison.Ordinal));
        var keepAlive = rt.Socket.KeepAliveAsync();
        await hold.Reached.Task.WaitAsync(FakeServerScope.Patience);
        var interrupt = rt.Socket.InterruptAsync();
        var append = second.AppendAsync(Pcm24k(TimeSpan.FromSeconds(1)));
        append.IsCompleted.Should().BeFalse("the append waits for the send lock behind the interrupt");
        hold.Release();
        await Task.WhenAll(keepAlive, interrupt, append).WaitAsync(FakeServerScope.Patience);
        await second.EndAsync();

        (await first.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Interrupted);
        (await second.WaitForCompletionAsync(FakeServerScope.Patience)).Should().Be(new RealtimeSpeakResult(second.EventId, SpeakOutcome.Interrupted, 0));
        rt.SentMessages().Where(m => m.TryGetProperty("event_id", out var id) && id.GetString() == second.EventId).Should().BeEmpty();
        rt.SentMessages().Select(Type).Should().ContainInOrder("session.keep_alive", "agent.interrupt");
        events.Items.OfType<RealtimeSpeakStarted>().Select(e => e.EventId).Should().Equal(first.EventId);
    }

    [Fact]
    public async Task Speaking_a_live_source_stops_reading_it_once_an_interrupt_cut_the_utterance()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.5);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        await using var microphone = new PushAudioSource();
        microphone.Push(AudioClips.Tone(TimeSpan.FromSeconds(1)));

        var speaking = rt.Socket.SpeakAsync(microphone);
        await events.WaitForAsync<RealtimeSpeakStarted>();
        await rt.Socket.InterruptAsync();
        microphone.Push(AudioClips.Tone(TimeSpan.FromSeconds(1)));

        // The source never ends: without the stop, the call would read it forever.
        var utterance = await speaking.WaitAsync(FakeServerScope.Patience);
        (await utterance.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Interrupted);
        utterance.IsEnded.Should().BeTrue();
    }

    [Fact]
    public async Task A_refused_message_arrives_as_data_and_the_socket_stays_open()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync();
        using var errors = new EventRecorder<RealtimeAudioError>(rt.Socket.Errors);

        await rt.Socket.SendControlAsync("agent.dance", "evt-x", CancellationToken.None);

        var error = await errors.WaitForAsync(_ => true);
        error.Code.Should().Be("unknown_type");
        error.RefusedEventId.Should().Be("evt-x");
        var utterance = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(200)));
        (await utterance.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);
        rt.Socket.CurrentState.Should().Be(RealtimeAudioState.Connected);
    }

    [Fact]
    public async Task An_observer_runs_under_no_lock_and_may_wait_for_a_dispose_on_another_thread()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync();
        var held = new ConcurrentQueue<string>();
        void Probe(string what)
        {
            foreach (var gate in LockProbe.HeldFrom(rt.Socket))
            {
                held.Enqueue($"{what}: {gate}");
            }
        }

        bool? disposedInTime = null;
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);
        using var probeStates = rt.Socket.State.Subscribe(s => Probe(s.ToString()), () => Probe("state completed"));
        using var events = rt.Socket.Events.Subscribe(
            e =>
            {
                Probe(e.GetType().Name);
                if (e is RealtimeAudioError && disposedInTime is null)
                {
                    // Blocks the receive loop until a dispose on another thread (which closes the streams) is through.
                    disposedInTime = Task.Run(() => rt.Socket.DisposeAsync().AsTask()).Wait(FakeServerScope.Patience);
                }
            },
            () => Probe("events completed"));
        using var eventsDone = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);

        await rt.Socket.SendControlAsync("agent.dance", "evt-x", CancellationToken.None);

        await states.WaitForCompletionAsync();
        // Completed by the loop, once the observer that waited returned.
        await eventsDone.WaitForCompletionAsync();
        disposedInTime.Should().BeTrue("the dispose must not wait for a lock held while the observer runs");
        states.Items.Should().EndWith(RealtimeAudioState.Closed);
        rt.Socket.CurrentState.Should().Be(RealtimeAudioState.Closed);
        held.Should().BeEmpty("no observer may run under a lock of the socket");
        await rt.Socket.DisposeAsync();
    }

    [Fact]
    public async Task Listening_and_keep_alives_go_out_and_keep_alives_are_automatic()
    {
        var scheduler = new HistoricalScheduler();
        await using var rt = await RealtimeSocketScenario.StartAsync(socket: o => o.Scheduler = scheduler, record: true);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);

        await rt.Socket.StartListeningAsync();
        await events.WaitForAsync<RealtimeAgentState>(s => s.State == "listening");
        rt.Server.GetSession(rt.Session.SessionId)!.IsListening.Should().BeTrue();
        await rt.Socket.StopListeningAsync();
        scheduler.AdvanceBy(TimeSpan.FromMinutes(2));
        await Wait.UntilAsync(() => rt.SentMessages().Any(m => Type(m) == "session.keep_alive"));
        scheduler.AdvanceBy(TimeSpan.FromMinutes(2));
        await Wait.UntilAsync(() => rt.SentMessages().Count(m => Type(m) == "session.keep_alive") == 2);

        rt.SentMessages().Select(Type).Should().ContainInOrder("agent.start_listening", "agent.stop_listening", "session.keep_alive", "session.keep_alive");
        rt.SentMessages().Should().OnlyContain(m => m.GetProperty("event_id").GetString()!.Length > 0);
    }

    [Fact]
    public async Task Stopping_the_session_closes_the_socket_for_good_and_ends_what_was_open()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 1);
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);
        using var events = new EventRecorder<RealtimeAudioEvent>(rt.Socket.Events);
        var utterance = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromSeconds(30)));
        await utterance.Started.WaitAsync(FakeServerScope.Patience);

        await rt.Avatar.StopAvatarAsync();

        await states.WaitForCompletionAsync();
        await events.WaitForCompletionAsync();
        states.Items.Should().EndWith(RealtimeAudioState.Closed);
        (await utterance.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().BeOneOf(SpeakOutcome.Interrupted, SpeakOutcome.SessionClosed);
        var late = () => rt.Socket.KeepAliveAsync();
        await late.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task The_servers_close_is_answered_so_the_close_handshake_completes()
    {
        await using var rt = await RealtimeSocketScenario.StartAsync(record: true);
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);

        await rt.Avatar.StopAvatarAsync();

        await states.WaitForCompletionAsync();
        // Answered: Closed, not left in CloseReceived until the socket is disposed.
        await Wait.UntilAsync(() => rt.Opened[0].State == WebSocketState.Closed);
    }

    [Fact]
    public async Task An_abrupt_loss_reconnects_and_ends_the_utterance_in_progress_as_interrupted()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), JitterSeed = 1 };
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 1, socket: o => o.ReconnectPolicy = policy, record: true);
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);
        var utterance = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromSeconds(30)));
        await utterance.Started.WaitAsync(FakeServerScope.Patience);

        rt.Opened[0].Abort();

        (await utterance.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Interrupted);
        await states.WaitForAsync(s => s == RealtimeAudioState.Reconnecting);
        await Wait.UntilAsync(() => rt.Opened.Count == 2 && rt.Socket.CurrentState == RealtimeAudioState.Connected);
        var next = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(100)));
        (await next.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);
    }

    [Fact]
    public async Task A_reconnect_goes_through_the_connector_after_its_delay_on_the_injected_scheduler()
    {
        var scheduler = new HistoricalScheduler();
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 };
        await using var rt = await RealtimeSocketScenario.StartAsync(socket: o => { o.ReconnectPolicy = policy; o.Scheduler = scheduler; }, record: true);
        using var states = new EventRecorder<RealtimeAudioState>(rt.Socket.State);

        rt.Opened[0].Abort();

        await states.WaitForAsync(s => s == RealtimeAudioState.Reconnecting);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        rt.Opened.Should().HaveCount(1, "the attempt waits for its delay on the injected scheduler, not on the clock");
        scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        await Wait.UntilAsync(() => rt.Opened.Count == 2 && rt.Socket.CurrentState == RealtimeAudioState.Connected);
        var next = await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(100)));
        (await next.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);
    }

    [Fact]
    public async Task The_endpoint_is_the_credential_so_logs_messages_and_to_string_never_show_it()
    {
        var logs = new Logs();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using var rt = await RealtimeSocketScenario.StartAsync(socket: o => o.LoggerFactory = factory);
        var secret = rt.Session.RealtimeEndpoint!.Split('/').Last();
        await rt.Socket.SendControlAsync("agent.dance", "evt-x", CancellationToken.None);
        await rt.Socket.SpeakAsync(Pcm24k(TimeSpan.FromMilliseconds(100)));
        await rt.Socket.DisposeAsync();

        logs.Messages.Should().Contain(m => m.Contains("/***", StringComparison.Ordinal));
        logs.Messages.Should().NotContain(m => m.Contains(secret, StringComparison.Ordinal));
        rt.Socket.ToString().Should().NotContain(secret);
        rt.Socket.RedactedEndpoint.Should().NotContain(secret);
        var bad = () => new RealtimeAudioSocket("https://example.test/" + secret);
        bad.Should().Throw<ArgumentException>().Which.Message.Should().NotContain(secret);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent()
    {
        await using var socket = new RealtimeAudioSocket("ws://127.0.0.1:9/v1/ws/streaming.realtime/x");

        var notConnected = () => socket.KeepAliveAsync();
        var odd = () => socket.SpeakAsync(new byte[3]);
        var rate = () => socket.BeginUtterance(4_000);
        var relative = () => new RealtimeAudioSocket("/v1/ws/streaming.realtime/x");
        var options = () => new RealtimeAudioSocket("ws://127.0.0.1:9/x", new RealtimeAudioSocketOptions { MaxAudioPerMessage = TimeSpan.FromMinutes(1) });

        await notConnected.Should().ThrowAsync<InvalidOperationException>();
        (await odd.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("pcm16");
        rate.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("sampleRate");
        relative.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("endpoint");
        options.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxAudioPerMessage");
    }

    [Fact]
    public async Task A_tone_above_12_kHz_at_48_kHz_reaches_the_socket_at_least_30_dB_down()
    {
        // The realtime path resamples with the same low-pass as WAV files: a 15 kHz tone, above 24 kHz's Nyquist
        // frequency, is removed on its way to the socket instead of arriving as a 9 kHz alias at full level.
        await using var rt = await RealtimeSocketScenario.StartAsync(fake: o => o.TimeScale = 0.1, record: true);
        const double Amplitude = 0.5;
        var tone = new byte[48_000 * 2];
        for (var i = 0; i < 48_000; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(tone.AsSpan(i * 2), (short)(Amplitude * short.MaxValue * Math.Sin(2 * Math.PI * 15_000 * i / 48_000.0)));
        }

        var utterance = await rt.Socket.SpeakAsync(tone, sampleRate: 48_000);
        (await utterance.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);

        var audio = rt.SentMessages().Where(m => Type(m) == "agent.speak").SelectMany(m => Convert.FromBase64String(m.GetProperty("audio").GetString()!)).ToArray();
        audio.Length.Should().BeInRange((24_000 - 10) * 2, 24_000 * 2, "one second of audio at 24 kHz");
        var samples = Enumerable.Range(0, audio.Length / 2).Select(i => BinaryPrimitives.ReadInt16LittleEndian(audio.AsSpan(i * 2)) / 32768.0).ToArray();
        var middle = samples[1_000..^1_000]; // the filter's edges aside
        var rms = Math.Sqrt(middle.Average(x => x * x));
        var level = 20 * Math.Log10(Math.Max(rms, 0.5 / 32768) / (Amplitude / Math.Sqrt(2)));
        level.Should().BeLessThanOrEqualTo(-30, "content the output rate cannot carry is filtered out, not folded back");
    }

    private static byte[] Pcm24k(TimeSpan duration)
    {
        var samples = (int)(duration.TotalSeconds * 24_000);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)(Math.Sin(i * 0.05) * 6000));
        }

        return bytes;
    }

    private static string? Type(JsonElement message) => message.GetProperty("type").GetString();

    private sealed class Logs : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}
