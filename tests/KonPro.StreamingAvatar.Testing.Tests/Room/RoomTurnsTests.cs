using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// What the user says in the room is a conversation turn, answered as on the chat socket: a typed message published the
/// way the official web SDK publishes it (its <c>speak</c> of a talk task over the LiveKit transport sends the text as a
/// JSON string in a reliable data packet), push-to-talk, and a published microphone. Joined by LiveKit's own Node SDK;
/// these run only inside a network namespace (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(RoomProgramCollection.Name)]
public sealed class RoomTurnsTests
{
    [SkippableFact]
    public async Task A_message_typed_in_the_room_as_the_web_SDK_publishes_it_is_answered_like_a_REST_talk_task_on_the_data_channel()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId, client) = await JoinStartedSessionAsync(api);
        await using var _ = client;
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        // What a REST talk task with the same words is answered with, for comparison.
        var task = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "Hello from the room", task_type = "talk", task_mode = "async" }, Credential.Bearer(token));
        task.Status.Should().Be(HttpStatusCode.OK, task.Text);
        await client.WaitForAsync(_ => Types(client).Count(t => t == "avatar_stop_talking") == 1, "the REST task's avatar_stop_talking");
        var restAnswer = Spoken(client.AvatarData);

        // The web SDK's sendLivekitMessage: JSON.stringify(text), UTF-8, reliable.
        await client.SendAsync(new { cmd = "publish_data", text = JsonSerializer.Serialize("Hello from the room") });
        await client.WaitForAsync(_ => Types(client).Count(t => t == "avatar_stop_talking") == 2, "the typed turn's avatar_stop_talking");

        var turn = client.AvatarData.SkipWhile(e => Type(e) != "user_talking_message").ToList();
        turn.Select(Type).Should().StartWith(["user_talking_message", "user_end_message", "avatar_start_talking"])
            .And.EndWith(["avatar_end_message", "avatar_stop_talking"]);
        turn[0].GetProperty("message").GetString().Should().Be("Hello from the room", "the JSON string's value, not its quotes");
        var answerTaskId = turn[2].GetProperty("task_id").GetString();
        turn.Skip(2).Should().OnlyContain(e => e.GetProperty("task_id").GetString() == answerTaskId);
        Spoken(turn).Should().Be(restAnswer, "a typed turn is answered exactly as a REST talk task with the same text");
        server.Journal.RoomActivity.Should().Contain(r => r.Kind == RoomActivityKind.UserMessage && r.Text == "\"Hello from the room\"");
        chat.EventTypes.Should().BeEmpty("room-only delivery keeps the avatar's events off the chat socket");
    }

    [SkippableFact]
    public async Task Push_to_talk_bounds_an_utterance_and_a_published_microphone_is_heard_each_a_turn_like_on_the_chat_socket()
    {
        RoomNamespace.RequireAddress();
        await using var server = await StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId, client) = await JoinStartedSessionAsync(api);
        await using var _ = client;
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        // Push-to-talk: start is voice activity on the chat socket, stop ends the utterance, which is answered.
        server.EnqueueTranscript("what is the weather like", sessionId);
        await client.SendAsync(new { cmd = "publish_data", text = "\"push_to_talk:start\"" });
        await chat.WaitForAsync("user_start");
        await client.SendAsync(new { cmd = "publish_data", text = "\"push_to_talk:stop\"" });
        await chat.WaitForAsync("user_stop");
        await client.WaitForAsync(_ => Types(client).Contains("avatar_stop_talking"), "the avatar's answer to the push-to-talk utterance");
        client.AvatarData.First(e => Type(e) == "user_talking_message").GetProperty("message").GetString().Should().Be("what is the weather like");
        Words(Spoken(client.AvatarData)).Should().Contain(Words("what is the weather like"), "the default responder answers what it heard");

        // A microphone: its tone is voice activity, its silence ends the utterance (the avatar is not listening: no answer).
        await client.SendAsync(new { cmd = "publish_audio" });
        await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "user_start" && chat.EventTypes.Count(t => t == "user_start") == 2);
        await client.SendAsync(new { cmd = "quiet_audio" });
        await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "user_stop" && chat.EventTypes.Count(t => t == "user_stop") == 2);
        await client.WaitForAsync(
            _ => client.AvatarData.Count(e => Type(e) == "user_talking_message") == 2, "the microphone utterance's transcript");
        client.AvatarData.Last(e => Type(e) == "user_talking_message").GetProperty("message").GetString().Should().StartWith("[speech ");
        chat.EventTypes.Should().Equal("user_start", "user_stop", "user_start", "user_stop");
    }

    private static async Task<KonProFakeServer> StartAsync()
    {
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = FakeEventDelivery.RoomOnly };
        options.Room.Enabled = true;
        return await KonProFakeServer.StartAsync(options);
    }

    /// <summary>create_token, new and start; an rtc-node client joined and subscribed to the avatar's tracks.</summary>
    private static async Task<(string Token, string SessionId, NodeRoomClient Client)> JoinStartedSessionAsync(ApiClient api)
    {
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Data.GetProperty("session_id").GetString()!;
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        var client = NodeRoomClient.StartRtcNode(created.Data.GetProperty("url").GetString()!, created.Data.GetProperty("access_token").GetString()!);
        await client.WaitForAsync(m => NodeRoomClient.Type(m) == "track_subscribed" && m.GetProperty("kind").GetString() == "audio", "audio track");
        return (token, sessionId, client);
    }

    /// <summary>The text without its spacing (how chunks are spaced is not what these tests are about).</summary>
    private static string Words(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string? Type(JsonElement e) => e.GetProperty("type").GetString();

    private static List<string?> Types(NodeRoomClient client) => [.. client.AvatarData.Select(Type)];

    /// <summary>The words of the first answer among these events (its talking messages, joined as they came).</summary>
    private static string Spoken(IEnumerable<JsonElement> events)
    {
        var list = events.ToList();
        var start = list.FindIndex(e => Type(e) == "avatar_start_talking");
        var stop = list.FindIndex(start, e => Type(e) == "avatar_stop_talking");
        return string.Concat(list.Skip(start).Take(stop - start)
            .Where(e => Type(e) == "avatar_talking_message").Select(e => e.GetProperty("message").GetString()));
    }
}
