using System.Net.WebSockets;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

/// <summary>A chat socket server that accepts and goes silent ends the session as a network loss (REST goes to the fake).</summary>
public sealed class StreamingAvatarDeadServerTests
{
    [Fact]
    public async Task A_silent_chat_server_is_detected_and_the_session_closes_as_network_lost()
    {
        await using var scope = await FakeServerScope.StartAsync();
        await using var silent = new SilentWebSocketServer();
        var connector = new RedirectingConnector(silent.BaseUri, new ClientWebSocketConnector(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        }));
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, new StreamingAvatarOptions(), connector);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.NetworkLost);
        await events.WaitForCompletionAsync();
        avatar.CurrentState.Should().Be(SessionState.Closed);
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.Status == Api.SessionStatus.Closed);
    }

    /// <summary>Opens the chat socket on another server (same path and query), through a real connector.</summary>
    private sealed class RedirectingConnector(Uri target, IWebSocketConnector inner) : IWebSocketConnector
    {
        public Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken) =>
            inner.ConnectAsync(new UriBuilder(uri) { Host = target.Host, Port = target.Port }.Uri, heard, cancellationToken);
    }
}
