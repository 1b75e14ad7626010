using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Speech;

namespace KonPro.Streaming.Testing.Tests.Chat;

/// <summary>
/// A chat connection is bound to its session before the upgrade is accepted, so what the session sends in between
/// (the client sees the socket open and starts a task at once, before the server's code after the accept has run)
/// waits in its outbox and goes out, in order, once the socket is there.
/// </summary>
public sealed class ChatConnectionTests
{
    [Fact]
    public async Task Events_sent_before_the_socket_is_accepted_go_out_first_and_in_order_once_it_is()
    {
        var connection = new ChatConnection(Guid.NewGuid(), () => new ChatFaultSettings(false, 0, false), new VoiceActivityDetector(0.05, TimeSpan.FromSeconds(1)), 1 << 20, TimeSpan.FromSeconds(5));
        connection.SendEvent("""{"event_type":"avatar_start_talking"}""");
        connection.SendEvent("""{"event_type":"avatar_talking_message"}""");

        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            connection.Accepted(server);
            connection.SendEvent("""{"event_type":"avatar_stop_talking"}""");

            var received = new List<string>();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // bounds the wait only
            while (received.Count < 3)
            {
                var result = await client.ReceiveAsync(buffer, timeout.Token);
                received.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }

            received.Should().Equal(
                """{"event_type":"avatar_start_talking"}""",
                """{"event_type":"avatar_talking_message"}""",
                """{"event_type":"avatar_stop_talking"}""");
        }
    }

    [Fact]
    public async Task An_abort_between_the_binding_and_the_accept_aborts_the_socket_once_it_is_accepted()
    {
        var connection = new ChatConnection(Guid.NewGuid(), () => new ChatFaultSettings(false, 0, false), new VoiceActivityDetector(0.05, TimeSpan.FromSeconds(1)), 1 << 20, TimeSpan.FromSeconds(5));
        connection.Abort(); // the fault (KonProFaults.AbortChat) finds the connection bound, its socket not yet accepted

        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            connection.Accepted(server);

            server.State.Should().Be(WebSocketState.Aborted);
            // The client sees the loss at once instead of through its keep-alive: its receive fails with the connection.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // bounds the wait only
            var receive = async () => await client.ReceiveAsync(new byte[16], timeout.Token);
            await receive.Should().ThrowAsync<WebSocketException>();
        }
    }

    [Fact]
    public async Task A_connection_whose_upgrade_failed_sends_nothing_and_its_drain_ends()
    {
        var connection = new ChatConnection(Guid.NewGuid(), () => new ChatFaultSettings(false, 0, false), new VoiceActivityDetector(0.05, TimeSpan.FromSeconds(1)), 1 << 20, TimeSpan.FromSeconds(5));
        connection.SendEvent("""{"event_type":"avatar_start_talking"}""");

        connection.NotAccepted();

        await connection.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A server and a client WebSocket over one real loopback TCP connection.</summary>
    private static async Task<(WebSocket Server, WebSocket Client)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var tcpClient = new TcpClient();
        await tcpClient.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await listener.AcceptTcpClientAsync();
        var server = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true });
        var client = WebSocket.CreateFromStream(tcpClient.GetStream(), new WebSocketCreationOptions { IsServer = false });
        return (server, client);
    }
}
