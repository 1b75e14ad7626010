using System.Net.WebSockets;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Chat;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Faults;

public sealed class ChatFaultTests
{
    [Fact]
    public async Task The_socket_can_be_dropped_abruptly_and_the_session_lives_on()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        server.Faults.AbortChat(sessionId).Should().Be(1);

        var closed = await chat.WaitClosedAsync();
        closed.Aborted.Should().BeTrue();
        closed.Status.Should().BeNull();
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 0);
        server.GetSession(sessionId)!.Status.Should().Be(Api.SessionStatus.Connecting);
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(1011)]
    [InlineData(4001)]
    public async Task The_socket_can_be_closed_with_a_chosen_status(int status)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        server.Faults.CloseChat(sessionId, status, "chosen");

        var closed = await chat.WaitClosedAsync();
        ((int?)closed.Status).Should().Be(status);
        closed.Reason.Should().Be("chosen");
    }

    [Fact]
    public async Task Every_session_socket_can_be_closed_at_once()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (tokenA, a) = await api.NewSessionAsync();
        var (tokenB, b) = await api.NewSessionAsync();
        await using var chatA = await ChatClient.ConnectAsync(server, a, tokenA);
        await using var chatB = await ChatClient.ConnectAsync(server, b, tokenB);
        await ChatSocketTests.WaitForSocketAsync(server, a, 1);
        await ChatSocketTests.WaitForSocketAsync(server, b, 1);

        server.Faults.CloseChat(null, 1011, "internal_error").Should().Be(2);

        ((int?)(await chatA.WaitClosedAsync()).Status).Should().Be(1011);
        ((int?)(await chatB.WaitClosedAsync()).Status).Should().Be(1011);
    }

    [Fact]
    public async Task Malformed_and_unknown_events_are_sent_and_the_stream_goes_on()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        server.Faults.SendMalformedEvent(sessionId);
        server.Faults.SendUnknownEvent(sessionId);
        await chat.SendTypedAsync("after");

        var unknown = await chat.WaitForAsync("avatar_mood_changed");
        unknown.GetProperty("session_id").GetString().Should().Be(sessionId);
        unknown.TryGetProperty("unexpected_field", out _).Should().BeTrue();
        await chat.WaitForAsync("user_talking_message");
        chat.RawMessages[0].Invoking(text => JsonDocument.Parse(text)).Should().Throw<JsonException>();
    }

    [Fact]
    public async Task Events_can_be_duplicated()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        server.Faults.DuplicateEvents(true, sessionId);
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        await chat.SendTypedAsync("twice");
        await chat.WaitForAsync("user_end_message");
        await chat.WaitForAsync("user_end_message");

        chat.EventTypes.Take(4).Should().Equal("user_talking_message", "user_talking_message", "user_end_message", "user_end_message");
    }

    [Fact]
    public async Task Events_can_be_split_across_websocket_frames()
    {
        await using var server = await Servers.StartAsync();
        server.Faults.SplitEvents(3);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        await chat.SendTypedAsync("in pieces");
        var said = await chat.WaitForAsync("user_talking_message");

        said.GetProperty("message").GetString().Should().Be("in pieces");
        chat.FramesReceived.Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task An_oversized_event_arrives_whole()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        server.Faults.SendOversizedEvent(sessionId, 300_000);

        var big = await chat.WaitForAsync("avatar_talking_message");
        big.GetProperty("message").GetString().Should().HaveLength(300_000);
    }

    [Fact]
    public async Task New_sockets_can_be_refused()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        server.Faults.RefuseChatSockets(true);

        var refused = async () => await ChatClient.ConnectAsync(server, sessionId, token);

        (await refused.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("503");
        server.Faults.RefuseChatSockets(false);
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
    }
}
