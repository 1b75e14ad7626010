using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>A server that accepts the chat socket and goes silent is detected by the keep-alive timeout, over loopback.</summary>
public sealed class ChatSocketDeadServerTests
{
    [Fact]
    public async Task A_silent_server_is_a_network_loss_and_the_socket_reconnects_where_the_policy_allows()
    {
        await using var server = new SilentWebSocketServer();
        var connector = new ClientWebSocketConnector(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var socket = new ChatSocket(
            new ChatSocketOptions
            {
                BaseUri = server.BaseUri,
                SessionId = "s-silent",
                SessionToken = "token",
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 1 },
            },
            connector);
        var reconnecting = socket.Status.OfType<ChatSocketStatus.Reconnecting>().FirstAsync().ToTask();
        var reopened = socket.Status.OfType<ChatSocketStatus.Open>().Where(o => o.Reconnected).FirstAsync().ToTask();
        var closed = socket.Status.OfType<ChatSocketStatus.Closed>().FirstAsync().ToTask();

        await socket.ConnectAsync();

        (await reconnecting.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.NetworkLost);
        await reopened.WaitAsync(TestTimeouts.Wait);
        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => server.Upgrades == 2);
        await socket.DisposeAsync();
        (await closed.WaitAsync(TestTimeouts.Wait)).Reason.Should().Be(DisconnectReason.ClientStop);
    }
}
