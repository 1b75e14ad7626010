using System.Net;
using System.Net.WebSockets;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Chat;

public sealed class ChatSocketTests
{
    [Fact]
    public async Task A_task_is_spoken_as_ordered_events_carrying_task_and_session_ids()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        var answer = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "one two three four five six seven", task_type = "repeat", task_mode = "async" }, Credential.Bearer(token));
        var taskId = answer.Data.GetProperty("task_id").GetString();
        await chat.WaitForAsync("avatar_stop_talking");

        var events = chat.All;
        chat.EventTypes.Should().Equal("avatar_start_talking", "avatar_talking_message", "avatar_talking_message", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking");
        events.Should().OnlyContain(e => e.GetProperty("session_id").GetString() == sessionId && e.GetProperty("task_id").GetString() == taskId);
        string.Concat(events.Where(e => e.GetProperty("event_type").GetString() == "avatar_talking_message").Select(e => e.GetProperty("message").GetString()))
            .Should().Be("one two three four five six seven");
        events[^1].GetProperty("duration_ms").GetInt64().Should().Be(answer.Data.GetProperty("duration_ms").GetInt64());
    }

    [Fact]
    public async Task A_socket_with_a_bad_token_is_closed_4401_unauthorized()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (_, sessionId) = await api.NewSessionAsync();

        await using var chat = await ChatClient.ConnectAsync(server, sessionId, "st_not-a-token");

        var closed = await chat.WaitClosedAsync();
        ((int?)closed.Status).Should().Be(4401);
        closed.Reason.Should().Be("unauthorized");
    }

    [Fact]
    public async Task A_token_of_another_session_is_closed_4401()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (_, first) = await api.NewSessionAsync();
        var (otherToken, _) = await api.NewSessionAsync();

        await using var chat = await ChatClient.ConnectAsync(server, first, otherToken);

        ((int?)(await chat.WaitClosedAsync()).Status).Should().Be(4401);
    }

    [Fact]
    public async Task An_unknown_session_is_closed_4404_session_not_found()
    {
        await using var server = await Servers.StartAsync();
        var token = await server.CreateSessionTokenAsync();

        await using var chat = await ChatClient.ConnectAsync(server, "no-such-session", token);

        var closed = await chat.WaitClosedAsync();
        ((int?)closed.Status).Should().Be(4404);
        closed.Reason.Should().Be("session_not_found");
    }

    [Fact]
    public async Task Stop_closes_the_socket_1000_session_stopped()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await WaitForSocketAsync(server, sessionId, 1);

        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        var closed = await chat.WaitClosedAsync();
        closed.Status.Should().Be(WebSocketCloseStatus.NormalClosure);
        closed.Reason.Should().Be("session_stopped");
    }

    [Fact]
    public async Task A_client_reconnects_with_the_same_token_after_a_1012_close()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var first = await ChatClient.ConnectAsync(server, sessionId, token);
        await WaitForSocketAsync(server, sessionId, 1);

        server.Faults.CloseChat(sessionId, 1012, "service_restart").Should().Be(1);
        ((int?)(await first.WaitClosedAsync()).Status).Should().Be(1012);
        await using var second = await ChatClient.ConnectAsync(server, sessionId, token);
        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "back again", task_mode = "async" }, Credential.Bearer(token));

        (await second.WaitForAsync("avatar_stop_talking")).GetProperty("session_id").GetString().Should().Be(sessionId);
    }

    [Fact]
    public async Task A_client_close_is_answered_and_the_connection_ends()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"{server.ChatUrl}?session_id={sessionId}&session_token={token}"), CancellationToken.None);
        await WaitForSocketAsync(server, sessionId, 1);

        using var bound = new CancellationTokenSource(ChatClient.Wait);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", bound.Token);

        socket.State.Should().Be(WebSocketState.Closed);
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
        await WaitUntilAsync(() => server.Hub.OpenConnections == 0);
        server.GetSession(sessionId)!.CloseStatus.Should().BeNull("closing a socket does not stop the session");
    }

    [Fact]
    public async Task A_plain_GET_of_the_socket_path_is_told_to_upgrade()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(server.ChatUrl.ToString().Replace("ws://", "http://", StringComparison.Ordinal));

        response.StatusCode.Should().Be(HttpStatusCode.UpgradeRequired);
    }

    [Fact]
    public async Task Typed_text_frames_are_journaled_decoded_and_answered_as_talk()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { knowledge_base_id = "kb-support" });
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await WaitForSocketAsync(server, sessionId, 1);

        await chat.SendTypedAsync("Where is my order?");

        var said = await chat.WaitForAsync("user_talking_message");
        said.GetProperty("message").GetString().Should().Be("Where is my order?");
        var userTask = said.GetProperty("task_id").GetString();
        (await chat.WaitForAsync("user_end_message")).GetProperty("task_id").GetString().Should().Be(userTask);
        await chat.WaitForAsync("avatar_stop_talking");
        var spoken = string.Concat(chat.All.Where(e => e.GetProperty("event_type").GetString() == "avatar_talking_message").Select(e => e.GetProperty("message").GetString()));
        spoken.Should().Be("Hi! How can I help you today? You said: Where is my order. I answer as told: You are a friendly support agent.");
        server.Journal.ChatFrames.Should().ContainSingle(f => f.Kind == ChatFrameKind.Text && f.Text == "Where is my order?" && f.SessionId == sessionId);
    }

    [Fact]
    public async Task A_binary_message_split_across_frames_is_reassembled()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(new Api.Frames.Frame { Text = new Api.Frames.TextFrame { Text = "split in two" } });

        await chat.SendBytesAsync(bytes[..3], endOfMessage: false);
        await chat.SendBytesAsync(bytes[3..], endOfMessage: true);

        (await chat.WaitForAsync("user_talking_message")).GetProperty("message").GetString().Should().Be("split in two");
    }

    [Fact]
    public async Task Malformed_binary_and_text_messages_are_journaled_and_ignored()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        await chat.SendBytesAsync([0xff, 0xff, 0xff]);
        await chat.SendTextAsync("{\"hello\":1}");
        await chat.SendTypedAsync("still alive");

        await chat.WaitForAsync("user_talking_message");
        var kinds = server.Journal.ChatFrames.Select(f => f.Kind);
        kinds.Should().Equal(ChatFrameKind.Malformed, ChatFrameKind.TextMessage, ChatFrameKind.Text);
    }

    internal static async Task WaitForSocketAsync(KonProFakeServer server, string sessionId, int sockets) =>
        await WaitUntilAsync(() => server.GetSession(sessionId)?.OpenSockets == sockets);

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + ChatClient.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not come true in time.");
            }

            await Task.Delay(10);
        }
    }
}
