using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// The fake's LiveKit-compatible room, joined by an independent LiveKit client (LiveKit's own Node SDK on its Rust
/// core) over real WebRTC. These run only inside a network namespace (eng/netns-run, through eng/test); outside one they are skipped.
/// </summary>
[Trait("Category", "Room")]
[Collection(RoomProgramCollection.Name)]
public sealed class RoomTests
{
    private const string Words = "The quick brown fox jumps over";

    [SkippableFact]
    public async Task A_LiveKit_client_gets_the_avatar_media_its_events_in_room_only_mode_and_a_leave_on_stop()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.RoomOnly);
        using var api = new ApiClient(server);
        var (token, sessionId, url, accessToken) = await NewSessionAsync(api);
        url.Should().StartWith("ws://127.0.0.1:", "the room URL names the host the client used for new");
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        await using var client = NodeRoomClient.StartRtcNode(url, accessToken);
        var connected = await client.WaitForAsync("connected");
        connected.GetProperty("participants").EnumerateArray().Select(p => p.GetString()).Should().Contain("avatar");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "video", "video track");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "audio", "audio track");
        server.Journal.RoomActivity.Should().Contain(r => r.Kind == RoomActivityKind.ParticipantJoined && r.SessionId == sessionId && r.Identity == "client");

        // The avatar speaks: its events arrive on the data channel only, in order.
        var task = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = Words, task_mode = "async" }, Credential.Bearer(token));
        task.Status.Should().Be(HttpStatusCode.OK, task.Text);
        var taskId = task.Data.GetProperty("task_id").GetString();
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "avatar_stop_talking"), "avatar_stop_talking");
        var events = client.AvatarData;
        events.Select(e => e.GetProperty("type").GetString()).Should().Equal(
            "avatar_start_talking", "avatar_talking_message", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking");
        events.Should().OnlyContain(e => e.GetProperty("task_id").GetString() == taskId);
        string.Concat(events.Where(e => e.GetProperty("type").GetString() == "avatar_talking_message").Select(e => e.GetProperty("message").GetString()))
            .Should().Be(Words);

        // The user speaks on the chat socket: voice activity stays there, the transcript goes to the room.
        await Pcm.SpeakAsync(chat, toneChunks: 10);
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "user_end_message"), "user_end_message");
        client.AvatarData.Skip(5).Select(e => e.GetProperty("type").GetString()).Should().Equal("user_talking_message", "user_end_message");
        await chat.WaitForAsync("user_stop");
        chat.EventTypes.Should().Equal("user_start", "user_stop");

        // >= 2 s of video at the fake's frame rate, and audio at 48 kHz.
        await client.WaitForAsync(_ => client.Latest("video_stats") is { } v && v.GetProperty("last").GetInt64() - v.GetProperty("first").GetInt64() >= 2500, "2.5 s of video");
        var video = client.Latest("video_stats")!.Value;
        var seconds = (video.GetProperty("last").GetInt64() - video.GetProperty("first").GetInt64()) / 1000.0;
        // Video flows (a rate is not asserted: on a saturated CI machine the receiver decodes fewer frames than the fake
        // sends, which says nothing about the fake; 9.4 fps was seen at a load of 58 on 2 cores).
        video.GetProperty("frames").GetInt32().Should().BeGreaterThan(10, $"frames keep arriving over {seconds:0.0} s of video");
        video.GetProperty("width").GetInt32().Should().Be(320);
        video.GetProperty("height").GetInt32().Should().Be(240);
        video.GetProperty("talkingFrames").GetInt32().Should().BePositive("the video shows when the avatar talks");
        video.GetProperty("idleFrames").GetInt32().Should().BePositive("and when it does not");
        var audio = client.Latest("audio_stats")!.Value;
        audio.GetProperty("sampleRate").GetInt32().Should().Be(48000);
        (audio.GetProperty("samples").GetInt64() / 48000.0).Should().BeGreaterThan(1.5);
        audio.GetProperty("peak").GetInt32().Should().BeGreaterThan(1000, "the avatar's audio carries a tone while it talks");

        // The client publishes a message, push-to-talk and its microphone: the journal records them.
        await client.SendAsync(new { cmd = "publish_data", text = "hello from the room" });
        await client.SendAsync(new { cmd = "publish_data", text = "\"push_to_talk:start\"" });
        await client.SendAsync(new { cmd = "publish_audio" });
        await WaitAsync(() => server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.AudioReceived && r.AudioLevel > 0.05), "microphone audio in the journal");
        var activity = server.Journal.RoomActivity.Where(r => r.SessionId == sessionId).ToList();
        activity.Should().Contain(r => r.Kind == RoomActivityKind.UserMessage && r.Text == "hello from the room");
        activity.Should().Contain(r => r.Kind == RoomActivityKind.PushToTalkStart);
        var track = activity.Single(r => r.Kind == RoomActivityKind.TrackPublished);
        track.TrackKind.Should().Be("audio");
        track.Text.Should().Be("microphone");
        activity.Where(r => r.Kind == RoomActivityKind.AudioReceived).Should().OnlyContain(r => r.TrackSid == track.TrackSid);

        // stop: the room sends leave (ROOM_DELETED), and the client is disconnected.
        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        var disconnected = await client.WaitForAsync("disconnected");
        disconnected.GetProperty("reason").GetInt32().Should().Be(5, "LiveKit's DisconnectReason.ROOM_DELETED");
        await WaitAsync(() => server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.ParticipantLeft && r.SessionId == sessionId), "the leave in the journal");
    }

    [SkippableFact]
    public async Task A_client_that_joins_before_start_sees_the_avatar_arrive_and_chat_and_room_mode_sends_events_on_both()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.ChatAndRoom);
        using var api = new ApiClient(server);
        var (token, sessionId, url, accessToken) = await NewSessionAsync(api);
        await using var client = NodeRoomClient.StartRtcNode(url, accessToken);
        var connected = await client.WaitForAsync("connected");
        connected.GetProperty("participants").GetArrayLength().Should().Be(0, "the avatar joins at start");

        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "participant_connected" && m.GetProperty("identity").GetString() == "avatar", "the avatar arriving");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "video", "video track");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "audio", "audio track");
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "hello", task_mode = "async" }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "avatar_stop_talking"), "avatar_stop_talking");
        await chat.WaitForAsync("avatar_stop_talking");
        string[] expected = ["avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking"];
        client.AvatarData.Select(e => e.GetProperty("type").GetString()).Should().Equal(expected);
        chat.EventTypes.Should().Equal(expected);
    }

    [SkippableFact]
    public async Task The_current_JavaScript_SDK_falls_back_from_signalling_v1_joins_with_the_query_token_gets_the_events_and_is_disconnected_on_stop()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.RoomOnly);
        using var api = new ApiClient(server);
        var (token, sessionId, url, accessToken) = await NewSessionAsync(api);
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        await using var client = NodeRoomClient.StartLivekitClient(url, accessToken);

        (await client.WaitForAsync("head")).GetProperty("status").GetInt32().Should().Be(200);
        (await client.WaitForAsync("connected")).GetProperty("participants").EnumerateArray().Select(p => p.GetString()).Should().Contain("avatar");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "video", "video track");
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "audio", "audio track");
        server.Journal.RoomActivity.Should().ContainSingle(r => r.Kind == RoomActivityKind.ParticipantJoined)
            .Which.Text.Should().StartWith("protocol 17", "livekit-client 2.23 speaks signalling protocol 17, at /rtc once the room refused /rtc/v1");

        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "hello", task_mode = "async" }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "avatar_stop_talking"), "avatar_stop_talking");
        client.AvatarData.Select(e => e.GetProperty("type").GetString()).Should().Equal(
            "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking");

        await client.SendAsync(new { cmd = "publish_data", text = "\"push_to_talk:stop\"" });
        await WaitAsync(() => server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.PushToTalkStop), "push_to_talk:stop in the journal");

        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        (await client.WaitForAsync("disconnected")).GetProperty("reason").GetInt32().Should().Be(5, "the room's leave says ROOM_DELETED");
    }

    [SkippableFact]
    public async Task The_avatar_audio_track_carries_the_realtime_socket_audio_while_the_avatar_speaks_it_and_the_tone_otherwise()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.RoomOnly);
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Data.GetProperty("session_id").GetString()!;
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await using var client = NodeRoomClient.StartRtcNode(created.Data.GetProperty("url").GetString()!, created.Data.GetProperty("access_token").GetString()!);
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "audio", "audio track");

        // A task: the avatar talks with the fake's tone, and the client's measure finds the tone's frequency.
        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = Words, task_mode = "async" }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "avatar_stop_talking"), "avatar_stop_talking");
        var afterTone = await QuietAudioAsync(client);
        var toneHz = DominantHz(default, afterTone);
        toneHz.Should().BeInRange(400, 480, "the fake's tone is 440 Hz");

        // The realtime socket: 1.5 s of a 1000 Hz sine at 24 kHz, spoken as one utterance.
        const double SineHz = 1000;
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(created.Data.GetProperty("realtime_endpoint").GetString()!), CancellationToken.None).WaitAsync(NodeRoomClient.Wait);
        const int Rate = 24_000;
        for (var chunk = 0; chunk < 15; chunk++)
        {
            var bytes = new byte[Rate / 10 * 2];
            for (var i = 0; i < Rate / 10; i++)
            {
                var n = chunk * (Rate / 10) + i;
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)Math.Round(Math.Sin(2 * Math.PI * SineHz * n / Rate) * 8000));
            }

            await SendJsonAsync(socket, new { type = "agent.speak", event_id = "sine", audio = Convert.ToBase64String(bytes) });
        }

        await SendJsonAsync(socket, new { type = "agent.speak_end", event_id = "sine" });
        await client.WaitForAsync(_ => LoudSamples(client.Latest("audio_stats")!.Value) - LoudSamples(afterTone) >= 48_000, "a second of loud audio after the utterance was sent");
        var afterSine = await QuietAudioAsync(client);

        var spokenHz = DominantHz(afterTone, afterSine);
        spokenHz.Should().BeInRange(SineHz - 60, SineHz + 60, "the avatar's audio track carries the realtime socket's audio, not the 440 Hz tone");
        ((LoudSamples(afterSine) - LoudSamples(afterTone)) / 48_000.0).Should().BeInRange(1.2, 2.0, "the utterance plays once, 1.5 s long");
    }

    [SkippableFact]
    public async Task A_token_signed_with_another_secret_is_refused()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.RoomOnly);
        using var api = new ApiClient(server);
        var (_, _, url, accessToken) = await NewSessionAsync(api);
        var parts = accessToken.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

        await using var client = NodeRoomClient.StartRtcNode(url, forged);

        var failed = await client.WaitForAsync("connect_failed");
        failed.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        client.Messages.Should().NotContain(m => NodeRoomClient.Type(m) == "connected");
        server.Journal.RoomActivity.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_room_program_lives_and_dies_with_the_server()
    {
        RoomNamespace.RequireAddress();
        var server = await StartAsync(FakeEventDelivery.ChatAndRoom);
        var rooms = ChildProcesses.Of(Environment.ProcessId, "main.js");
        rooms.Should().ContainSingle("the server runs one room program");

        await server.DisposeAsync();

        ChildProcesses.IsAlive(rooms[0]).Should().BeFalse();
    }

    [SkippableFact]
    public async Task The_cli_serves_rooms_with_room_and_its_room_program_ends_with_it()
    {
        RoomNamespace.RequireAddress();
        using var process = Cli.FakeServerCliTests.Start("--port", "0", "--room", "--event-delivery", "room-only", "--time-scale", "0.5");
        int room;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(NodeRoomClient.Wait);
            var url = line!.Split(' ')[^1];
            room = ChildProcesses.Of(process.Id, "main.js").Should().ContainSingle().Subject;
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = NodeRoomClient.Wait };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/new") { Content = new StringContent("{}") };
            request.Headers.Add("x-api-key", KonProFakeServerOptions.DefaultApiKey);
            using var answer = await http.SendAsync(request);
            answer.StatusCode.Should().Be(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("data").GetProperty("url").GetString().Should().StartWith("ws://127.0.0.1:");
            body.RootElement.GetProperty("data").GetProperty("access_token").GetString()!.Split('.').Should().HaveCount(3, "a JWT");
        }
        finally
        {
            Cli.FakeServerCliTests.Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(NodeRoomClient.Wait);
        process.ExitCode.Should().Be(0);
        ChildProcesses.IsAlive(room).Should().BeFalse();
    }

    [SkippableFact]
    public async Task A_participants_data_reaches_the_other_participants_stamped_with_its_identity_as_LiveKit_relays_it()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync(FakeEventDelivery.RoomOnly);
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        var url = created.Data.GetProperty("url").GetString()!;
        await using var user = NodeRoomClient.StartRtcNode(url, created.Data.GetProperty("access_token").GetString()!);
        await user.WaitForAsync("connected");
        await using var agent = NodeRoomClient.StartRtcNode(url, created.Data.GetProperty("livekit_agent_token").GetString()!);

        var joined = await agent.WaitForAsync("connected");
        joined.GetProperty("identity").GetString().Should().Be("agent");
        joined.GetProperty("participants").EnumerateArray().Select(p => p.GetString()).Should().Contain("client", "the join answer lists the clients already there");
        await user.WaitForAsync(m => NodeRoomClient.Type(m) == "participant_connected" && m.GetProperty("identity").GetString() == "agent", "the agent announced");
        await agent.SendAsync(new { cmd = "publish_data", text = "{\"type\":\"avatar_stop_talking\",\"task_id\":\"t-1\"}" });

        var relayed = await user.WaitForAsync(m => NodeRoomClient.Type(m) == "data", "the agent's data");
        relayed.GetProperty("participant").GetString().Should().Be("agent", "the room stamps the sender: a client cannot pose as the avatar");
        relayed.GetProperty("payload").GetString().Should().Be("{\"type\":\"avatar_stop_talking\",\"task_id\":\"t-1\"}");
        user.AvatarData.Should().BeEmpty();
        agent.Messages.Should().NotContain(m => NodeRoomClient.Type(m) == "data", "a sender does not get its own data back");

        await agent.SendAsync(new { cmd = "disconnect" });
        await user.WaitForAsync(m => NodeRoomClient.Type(m) == "participant_disconnected" && m.GetProperty("identity").GetString() == "agent", "the agent's departure");
    }

    private static async Task<(string Token, string SessionId, string Url, string AccessToken)> NewSessionAsync(ApiClient api)
    {
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        return (token, created.Data.GetProperty("session_id").GetString()!, created.Data.GetProperty("url").GetString()!, created.Data.GetProperty("access_token").GetString()!);
    }

    private static Task<KonProFakeServer> StartAsync(FakeEventDelivery delivery)
    {
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = delivery };
        options.Room.Enabled = true;
        return KonProFakeServer.StartAsync(options);
    }

    private static long LoudSamples(JsonElement stats) => stats.ValueKind == JsonValueKind.Object ? stats.GetProperty("loudSamples").GetInt64() : 0;

    /// <summary>
    /// The dominant frequency of the loud audio received between two statistics lines: the median of the loud frames'
    /// own frequencies (each by its zero crossings). A median, not the crossings over all loud samples: taken over all
    /// samples, one run under load read the 1000 Hz sine as 920 Hz, as a frame filled only in part (a gap in the media,
    /// still loud on the whole) has fewer crossings for its samples; such frames move a median by one frame each.
    /// </summary>
    private static double DominantHz(JsonElement before, JsonElement after)
    {
        static long Count(JsonElement s, string hz) =>
            s.ValueKind == JsonValueKind.Object && s.GetProperty("loudFrameHz").TryGetProperty(hz, out var n) ? n.GetInt64() : 0;
        var samples = LoudSamples(after) - LoudSamples(before);
        samples.Should().BeGreaterThan(4800, "at least 0.1 s of loud audio to measure");
        var frames = after.GetProperty("loudFrameHz").EnumerateObject()
            .Select(bin => (Hz: double.Parse(bin.Name, CultureInfo.InvariantCulture), Frames: Count(after, bin.Name) - Count(before, bin.Name)))
            .Where(bin => bin.Frames > 0)
            .OrderBy(bin => bin.Hz)
            .ToList();
        var half = frames.Sum(bin => bin.Frames) / 2.0;
        var seen = 0L;
        foreach (var (hz, count) in frames)
        {
            seen += count;
            if (seen >= half)
            {
                return hz;
            }
        }

        throw new InvalidOperationException("No loud frame between the two statistics lines.");
    }

    /// <summary>Waits until no loud audio arrives for a while (two statistics lines 0.6 s apart agree) and returns the latest line.</summary>
    private static async Task<JsonElement> QuietAudioAsync(NodeRoomClient client)
    {
        var deadline = DateTime.UtcNow + NodeRoomClient.Wait;
        await client.WaitForAsync("audio_stats");
        var last = client.Latest("audio_stats")!.Value;
        while (true)
        {
            await Task.Delay(600);
            var now = client.Latest("audio_stats")!.Value;
            if (LoudSamples(now) == LoudSamples(last))
            {
                return now;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The avatar's audio did not fall quiet.");
            }

            last = now;
        }
    }

    private static Task SendJsonAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(NodeRoomClient.Wait);

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + NodeRoomClient.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
