using System.Net.WebSockets;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Limits;

public sealed class ChatLimitTests
{
    [Fact]
    public async Task A_message_over_the_cap_closes_the_socket_1009_and_the_session_goes_on()
    {
        await using var server = await Servers.StartAsync(o => o.MaxChatMessageBytes = 64 * 1024);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        var chunk = new byte[16 * 1024];
        for (var i = 0; i < 8; i++)
        {
            await SendIgnoringCloseAsync(chat, chunk, endOfMessage: i == 7);
        }

        var closed = await chat.WaitClosedAsync();
        ((int?)closed.Status).Should().Be(1009);
        closed.Reason.Should().Be("message_too_big");
        server.Journal.ChatFrames.Should().BeEmpty();
        server.GetSession(sessionId)!.CloseStatus.Should().BeNull("a too-big message ends the socket, not the session");
    }

    [Fact]
    public async Task A_message_that_never_ends_is_cut_off_at_the_cap_and_the_connection_ends()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.MaxChatMessageBytes = 256 * 1024;
            o.ChatCloseTimeout = TimeSpan.FromSeconds(1);
        });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"{server.ChatUrl}?session_id={sessionId}&session_token={token}"), CancellationToken.None);
        await WaitUntilAsync(() => server.Hub.OpenConnections == 1);

        // Keep sending pieces of one message (never the last) until the server drops the connection.
        var chunk = new byte[16 * 1024];
        var sent = 0L;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (!bound.IsCancellationRequested)
            {
                await socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: false, bound.Token);
                sent += chunk.Length;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // the server ended the connection
        }

        bound.IsCancellationRequested.Should().BeFalse("the server must end a message that never ends");
        await WaitUntilAsync(() => server.Hub.OpenConnections == 0);
        sent.Should().BeGreaterThan(256 * 1024);
    }

    [Fact]
    public async Task Refused_sockets_whose_clients_never_answer_the_close_are_dropped_within_the_close_timeout()
    {
        await using var server = await Servers.StartAsync(o => o.ChatCloseTimeout = TimeSpan.FromSeconds(1));
        using var api = new ApiClient(server);
        var (_, sessionId) = await api.NewSessionAsync();
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                // A bad token: the server closes 4401 at once; this client never reads, so never answers the close.
                await socket.ConnectAsync(new Uri($"{server.ChatUrl}?session_id={sessionId}&session_token=st_bad{i}"), CancellationToken.None);
            }

            // Generous bound on a wait (timeout 1 s): all 20 connections end well before it, none lingers.
            await WaitUntilAsync(() => server.Hub.OpenConnections == 0, TimeSpan.FromSeconds(15));
            server.Hub.OpenConnections.Should().Be(0);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_close_timeout_must_be_positive_and_bounded()
    {
        var act = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { ChatCloseTimeout = TimeSpan.FromDays(1) });

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("ChatCloseTimeout");
    }

    private static async Task SendIgnoringCloseAsync(ChatClient chat, byte[] bytes, bool endOfMessage)
    {
        try
        {
            await chat.SendBytesAsync(bytes, endOfMessage);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // the server closed the socket while the client was still sending
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(20);
        }
    }
}
