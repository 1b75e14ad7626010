using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// Where the avatar's events go when nobody chose: with the room, as the service sends them (the data channel only), so
/// that a client reading both channels (the official web SDK) sees each once. Inside the network namespace only.
/// </summary>
[Trait("Category", "Room")]
[Collection(RoomProgramCollection.Name)]
public sealed class RoomDeliveryTests
{
    [SkippableFact]
    public async Task By_default_the_avatar_events_go_on_the_data_channel_only_and_the_chat_socket_keeps_voice_activity()
    {
        RoomNamespace.RequireAddress();
        var options = new KonProFakeServerOptions { TimeScale = 0.5 };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Data.GetProperty("session_id").GetString()!;
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await using var client = NodeRoomClient.StartRtcNode(created.Data.GetProperty("url").GetString()!, created.Data.GetProperty("access_token").GetString()!);
        await client.WaitForAsync("connected");

        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "hello there", task_mode = "async" }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "avatar_stop_talking"), "avatar_stop_talking");
        await Pcm.SpeakAsync(chat, toneChunks: 10);
        await chat.WaitForAsync("user_stop");
        await client.WaitForAsync(_ => client.AvatarData.Any(e => e.GetProperty("type").GetString() == "user_end_message"), "user_end_message");

        client.AvatarData.Select(e => e.GetProperty("type").GetString()).Should().Equal(
            "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking",
            "user_talking_message", "user_end_message");
        chat.EventTypes.Should().Equal(["user_start", "user_stop"], "the chat socket carries only voice activity, as the service's");
    }
}
