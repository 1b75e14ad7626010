using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Testing.Tests.Speech;

public sealed class VoiceChatTests
{
    [Fact]
    public async Task Speech_in_audio_frames_yields_user_start_stop_and_a_placeholder_transcript()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        await Pcm.SpeakAsync(chat, toneChunks: 20); // 20 x 32 ms = 0.64 s of speech

        await chat.WaitForAsync("user_end_message");
        chat.EventTypes.Should().Equal("user_start", "user_stop", "user_talking_message", "user_end_message");
        chat.All[2].GetProperty("message").GetString().Should().Be("[speech 0.6 s]");
        chat.All.Should().OnlyContain(e => e.GetProperty("session_id").GetString() == sessionId);
        server.Journal.ChatFrames.Should().OnlyContain(f => f.Kind == ChatFrameKind.Audio && f.Frame!.Audio.SampleRate == 16000);
    }

    [Fact]
    public async Task A_queued_transcript_is_used_and_answered_while_listening()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await api.PostAsync("/v1/streaming/start_listening", new { session_id = sessionId }, Credential.Bearer(token));
        server.EnqueueTranscript("what time is it");

        await Pcm.SpeakAsync(chat, toneChunks: 10);

        (await chat.WaitForAsync("user_talking_message")).GetProperty("message").GetString().Should().Be("what time is it");
        await chat.WaitForAsync("avatar_stop_talking");
        server.GetSession(sessionId)!.Tasks.Single().SpokenText.Should().Be("You said: what time is it.");
    }

    [Fact]
    public async Task A_session_transcript_is_taken_before_the_server_wide_queue()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (tokenA, a) = await api.NewSessionAsync();
        var (_, b) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, a, tokenA);
        server.EnqueueTranscript("for anyone");
        server.EnqueueTranscript("for a only", a);
        server.EnqueueTranscript("for b only", b);

        await Pcm.SpeakAsync(chat, toneChunks: 5);
        await Pcm.SpeakAsync(chat, toneChunks: 5);
        await Pcm.SpeakAsync(chat, toneChunks: 5);

        await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "user_end_message" && chat.All.Count(x => x.GetProperty("event_type").GetString() == "user_end_message") == 3);
        chat.All.Where(e => e.GetProperty("event_type").GetString() == "user_talking_message").Select(e => e.GetProperty("message").GetString())
            .Should().Equal("for a only", "for anyone", "[speech 0.2 s]");
    }

    [Fact]
    public async Task Without_listening_an_utterance_is_transcribed_but_not_answered()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        await Pcm.SpeakAsync(chat, toneChunks: 10);
        await chat.WaitForAsync("user_end_message");
        await chat.SendTypedAsync("marker");
        await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "user_talking_message" && e.GetProperty("message").GetString() == "marker");

        server.GetSession(sessionId)!.Tasks.Select(t => t.RequestText).Should().Equal("marker");
    }

    [Fact]
    public async Task Muted_input_of_zeros_never_counts_as_speech()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        for (var i = 0; i < 60; i++)
        {
            await chat.SendAudioAsync(Pcm.Silence());
        }

        await chat.SendTypedAsync("marker");
        await chat.WaitForAsync("user_talking_message");
        chat.EventTypes.Should().NotContain("user_start");
        server.Journal.ChatFrames.Count(f => f.Kind == ChatFrameKind.Audio).Should().Be(60);
    }

    [Fact]
    public async Task With_silence_response_the_user_is_prompted_after_a_quiet_time()
    {
        await using var server = await Servers.StartAsync(o => o.MaxSilencePrompts = 2);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token, "&silence_response=true");

        var first = await chat.WaitForAsync("user_silence");
        var second = await chat.WaitForAsync("user_silence");

        (first.GetProperty("silence_times").GetInt32(), first.GetProperty("count_down").GetInt32()).Should().Be((1, 1));
        (second.GetProperty("silence_times").GetInt32(), second.GetProperty("count_down").GetInt32()).Should().Be((2, 0));
        second.GetProperty("session_id").GetString().Should().Be(sessionId);
    }

    [Fact]
    public async Task Without_silence_response_there_is_no_prompt()
    {
        var clock = new FakeTimeProvider();
        await using var server = await Servers.StartAsync(o =>
        {
            o.SilencePromptAfter = TimeSpan.FromSeconds(1); // 20 ms of the clock at the tests' time scale
            o.TimeProvider = clock;
        });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await chat.SendTypedAsync("bound");
        await chat.WaitForAsync("user_talking_message"); // the socket is bound to its session: where a prompt timer would start

        // Fifty prompt periods in virtual time: a prompt timer would fire inside Advance and queue its prompt on the
        // socket before the marker's answer, so the marker's answer proves the moment passed.
        clock.Advance(TimeSpan.FromSeconds(1));
        await chat.SendTypedAsync("marker");
        await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "user_talking_message" && e.GetProperty("message").GetString() == "marker");

        chat.EventTypes.Should().NotContain("user_silence");
    }

    [Fact]
    public async Task User_input_resets_the_idle_timer()
    {
        var clock = new ManualTimeProvider();
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeProvider = clock });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { activity_idle_timeout = 30 });
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        clock.Advance(TimeSpan.FromSeconds(29));
        await chat.SendTypedAsync("still here");
        await chat.WaitForAsync("user_end_message");
        clock.Advance(TimeSpan.FromSeconds(29));
        server.GetSession(sessionId)!.Status.Should().NotBe(Api.SessionStatus.Closed);
        clock.Advance(TimeSpan.FromSeconds(31)); // the talk reply (1.6 s) was spoken during the advance before; nothing since

        var closed = await chat.WaitClosedAsync();
        ((int?)closed.Status).Should().Be(4001);
    }
}
