using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Realtime;

public sealed class RealtimeAudioSocketTests
{
    [Fact]
    public async Task Each_session_gets_its_own_endpoint_and_the_url_alone_lets_a_client_in()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(connect: false);
        var (_, _, second) = await rt.NewSessionAsync();

        rt.Endpoint.Should().NotBe(second);
        rt.Endpoint.Should().StartWith(rt.Server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws/streaming.realtime/");
        var client = await rt.ConnectAsync();
        (await client.NextAsync("session.state_updated"))["state"]!.GetValue<string>().Should().Be("connecting");
        (await client.NextAsync("session.state_updated"))["state"]!.GetValue<string>().Should().Be("connected");
    }

    [Fact]
    public async Task An_unknown_endpoint_is_closed_as_unauthorized()
    {
        await using var server = await Servers.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws/streaming.realtime/not-a-secret"), CancellationToken.None);

        var result = await socket.ReceiveAsync(new byte[1024], CancellationToken.None).WaitAsync(RealtimeClient.Patience);

        result.MessageType.Should().Be(WebSocketMessageType.Close);
        ((int)socket.CloseStatus!).Should().Be(4401);
        socket.CloseStatusDescription.Should().Be("unauthorized");
    }

    [Fact]
    public async Task An_utterance_is_spoken_for_as_long_as_its_audio_with_its_event_id()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(o => o.TimeScale = 0.1);

        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "utt-1", audio = Pcm(TimeSpan.FromMilliseconds(400)) });
        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "utt-1", audio = Pcm(TimeSpan.FromMilliseconds(1000)) });
        await rt.Client.SendAsync(new { type = "agent.speak_end", event_id = "utt-1" });

        (await rt.Client.NextAsync("agent.speak_started"))["event_id"]!.GetValue<string>().Should().Be("utt-1");
        var ended = await rt.Client.NextAsync("agent.speak_ended");
        ended["event_id"]!.GetValue<string>().Should().Be("utt-1");
        ended["duration_ms"]!.GetValue<long>().Should().Be(1400);
        rt.Client.Seen.Where(m => Type(m) == "agent.state").Select(State).Should().ContainInOrder("idle", "speaking", "idle");
    }

    [Fact]
    public async Task Audio_sent_before_the_session_is_connected_is_buffered_and_spoken_once_it_is()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(start: false);

        await rt.Client.SendAsync(new { type = "agent.audio_buffer_append", audio = Pcm(TimeSpan.FromMilliseconds(500)) });
        await rt.Client.SendAsync(new { type = "agent.audio_buffer_commit" });
        (await rt.Api.PostAsync("/v1/streaming/start", new { session_id = rt.SessionId }, Credential.Bearer(rt.Token))).Status.Should().Be(HttpStatusCode.OK);

        await rt.Client.NextAsync("session.state_updated", m => State(m) == "connected");
        var ended = await rt.Client.NextAsync("agent.speak_ended");
        ended["duration_ms"]!.GetValue<long>().Should().Be(500);
        var seen = rt.Client.Seen;
        seen.FindIndex(m => State(m) == "connected").Should().BeLessThan(seen.FindIndex(m => Type(m) == "agent.speak_started"), "the buffered audio is spoken only once the session is connected");
    }

    [Fact]
    public async Task An_interrupt_cuts_the_utterance_short_and_drops_the_queued_ones()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(o => o.TimeScale = 0.5);

        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "long", audio = Pcm(TimeSpan.FromSeconds(10)) });
        await rt.Client.SendAsync(new { type = "agent.speak_end", event_id = "long" });
        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "queued", audio = Pcm(TimeSpan.FromSeconds(1)) });
        await rt.Client.NextAsync("agent.speak_started");
        await rt.Client.SendAsync(new { type = "agent.interrupt", event_id = "stop-1" });

        var cut = await rt.Client.NextAsync("agent.speak_interrupted", m => Id(m) == "long");
        cut["duration_ms"]!.GetValue<long>().Should().BeLessThan(10_000);
        (await rt.Client.NextAsync("agent.speak_interrupted", m => Id(m) == "queued"))["duration_ms"]!.GetValue<long>().Should().Be(0);

        // An utterance sent now plays after anything still queued: its end proves the cut ones would have ended by then.
        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "proof", audio = Pcm(TimeSpan.FromMilliseconds(100)) });
        await rt.Client.SendAsync(new { type = "agent.speak_end", event_id = "proof" });
        await rt.Client.NextAsync("agent.speak_ended", m => Id(m) == "proof");
        rt.Client.Seen.Should().NotContain(m => Type(m) == "agent.speak_ended" && Id(m) != "proof");
    }

    [Fact]
    public async Task The_alpha_buffer_clear_interrupts_like_agent_interrupt()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(o => o.TimeScale = 0.5);

        await rt.Client.SendAsync(new { type = "agent.audio_buffer_append", audio = Pcm(TimeSpan.FromSeconds(10)) });
        var started = await rt.Client.NextAsync("agent.speak_started");
        await rt.Client.SendAsync(new { type = "agent.audio_buffer_clear" });

        var cut = await rt.Client.NextAsync("agent.speak_interrupted");
        cut["event_id"]!.GetValue<string>().Should().Be(Id(started));
        cut["duration_ms"]!.GetValue<long>().Should().BeLessThan(10_000);
        await rt.Client.NextAsync("agent.state", m => State(m) == "idle");
    }

    [Theory]
    [InlineData("this is not json", "invalid_json")]
    [InlineData("[1, 2]", "invalid_json")]
    [InlineData("{\"event_id\":\"e1\"}", "missing_type")]
    [InlineData("{\"type\":\"agent.dance\",\"event_id\":\"e2\"}", "unknown_type")]
    [InlineData("{\"type\":\"agent.speak\",\"event_id\":\"e3\",\"audio\":\"%%%not base64\"}", "invalid_audio")]
    [InlineData("{\"type\":\"agent.speak\",\"event_id\":\"e4\",\"audio\":\"AAAA\"}", "invalid_audio")]
    [InlineData("{\"type\":\"agent.speak\",\"event_id\":\"e5\"}", "missing_audio")]
    [InlineData("{\"type\":\"agent.speak_end\",\"event_id\":\"never-sent\"}", "unknown_event_id")]
    public async Task A_bad_message_gets_an_error_naming_the_problem_and_the_socket_stays_open(string message, string code)
    {
        await using var rt = await RealtimeSessionScenario.StartAsync();

        await rt.Client.SendRawAsync(message);

        var error = (await rt.Client.NextAsync("error"))["error"]!;
        error["code"]!.GetValue<string>().Should().Be(code);
        error["message"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        await rt.Client.SendAsync(new { type = "agent.speak", event_id = "after", audio = Pcm(TimeSpan.FromMilliseconds(100)) });
        await rt.Client.SendAsync(new { type = "agent.speak_end", event_id = "after" });
        (await rt.Client.NextAsync("agent.speak_ended"))["event_id"]!.GetValue<string>().Should().Be("after");
    }

    [Fact]
    public async Task Listening_and_keep_alive_are_accepted_and_stopping_the_session_closes_the_socket()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync();

        await rt.Client.SendAsync(new { type = "agent.start_listening", event_id = "l1" });
        await rt.Client.NextAsync("agent.state", m => State(m) == "listening");
        rt.Server.GetSession(rt.SessionId)!.IsListening.Should().BeTrue();
        await rt.Client.SendAsync(new { type = "session.keep_alive", event_id = "k1" });
        await rt.Client.SendAsync(new { type = "agent.stop_listening", event_id = "l2" });
        await rt.Client.NextAsync("agent.state", m => State(m) == "idle");
        await rt.Api.PostAsync("/v1/streaming/stop", new { session_id = rt.SessionId }, Credential.Bearer(rt.Token));

        await rt.Client.NextAsync("session.state_updated", m => State(m) == "closing");
        await rt.Client.NextAsync("session.state_updated", m => State(m) == "closed");
        (await rt.Client.Closed.WaitAsync(RealtimeClient.Patience)).Should().Be(1000);
        rt.Client.Seen.Should().NotContain(m => Type(m) == "error");
    }

    [Fact]
    public async Task The_socket_follows_the_session_phase_as_the_session_reports_it_a_start_and_a_close_in_a_row_are_both_told_in_order()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(start: false);
        await rt.Client.NextAsync("session.state_updated", m => State(m) == "connecting");
        var session = rt.Server.Core.Store.Find(rt.SessionId)!;

        // Started and closed back to back on this thread: a watcher that samples the phase sees only the close and never
        // says "connected"; one that is told of each change tells both, in the order they happened.
        session.TryStart().Should().BeTrue();
        rt.Server.Core.Close(session, ChatCloseStatus.DurationLimit, ChatCloseStatus.DurationLimitReason);

        (await rt.Client.Closed.WaitAsync(RealtimeClient.Patience)).Should().Be(ChatCloseStatus.DurationLimit);
        rt.Client.Seen.Where(m => Type(m) is "session.state_updated" or "agent.state").Select(m => $"{Type(m)} {State(m)}").Should().Equal(
            "session.state_updated connecting",
            "session.state_updated connected",
            "agent.state idle",
            "session.state_updated closing",
            "session.state_updated closed");
    }

    [Fact]
    public async Task A_client_that_connects_after_the_close_is_closed_with_the_session_status_without_being_told_it_is_connected()
    {
        await using var rt = await RealtimeSessionScenario.StartAsync(connect: false);
        await rt.Api.PostAsync("/v1/streaming/stop", new { session_id = rt.SessionId }, Credential.Bearer(rt.Token));

        var client = await rt.ConnectAsync();

        (await client.Closed.WaitAsync(RealtimeClient.Patience)).Should().Be(ChatCloseStatus.SessionStopped);
        client.Seen.Select(State).Should().Equal("connecting", "closing", "closed");
    }

    private static string Pcm(TimeSpan duration)
    {
        var samples = (int)(duration.TotalSeconds * 24_000);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (short)(Math.Sin(i * 0.1) * 8000));
        }

        return Convert.ToBase64String(bytes);
    }

    private static string? Type(JsonNode m) => m["type"]?.GetValue<string>();

    private static string? State(JsonNode m) => m["state"]?.GetValue<string>();

    private static string? Id(JsonNode m) => m["event_id"]?.GetValue<string>();
}
