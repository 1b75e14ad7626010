using System.Net.WebSockets;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;

namespace KonPro.Streaming.Tests.Realtime;

/// <summary>
/// The default connector opens sockets without transport settings through one handler for the process, and each
/// socket's transport still reports its own reads (and only its own) to its listener.
/// </summary>
public sealed class ClientWebSocketConnectorTests
{
    [Fact]
    public async Task Sockets_without_transport_settings_share_the_process_handler_and_others_get_their_own()
    {
        await using var server = new SilentWebSocketServer();
        var connector = new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero);
        var withCheck = new ClientWebSocketConnector(o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);

        using var first = await connector.ConnectAsync(ChatUri(server, "a"), () => { }, CancellationToken.None);
        using var second = await connector.ConnectAsync(ChatUri(server, "b"), () => { }, CancellationToken.None);
        using var own = await withCheck.ConnectAsync(ChatUri(server, "c"), () => { }, CancellationToken.None);

        first.Should().BeOfType<ClientWebSocket>("a socket of the shared handler owns no handler");
        second.Should().BeOfType<ClientWebSocket>();
        own.Should().BeOfType<OwningWebSocket>("a certificate check is a transport setting: the socket gets a handler of its own");
        first.State.Should().Be(WebSocketState.Open);
        own.State.Should().Be(WebSocketState.Open);
    }

    [Fact]
    public async Task Sockets_connected_at_once_through_the_shared_handler_each_hear_only_their_own_connection()
    {
        // The server pongs only on the connections whose path names "pong"; every socket goes to the same server, so
        // all of them share one connection pool, and a pool that gave a connection to another socket than the one
        // whose handshake it carried would send pongs to a silent socket's listener.
        await using var server = new SilentWebSocketServer(pongEvery: TimeSpan.FromMilliseconds(20), pongPath: "pong");
        var connector = new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero);
        var sockets = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var probe = new Probe(i % 2 == 0 ? $"pong-{i}" : $"silent-{i}");
            probe.Socket = await connector.ConnectAsync(ChatUri(server, probe.Name), probe.Heard, CancellationToken.None);
            return probe;
        }));
        using var stop = new CancellationTokenSource();
        foreach (var probe in sockets)
        {
            probe.Baseline = probe.Count;
            // The runtime reads (and so consumes pongs) only while a receive is pending.
            probe.Receive = probe.Socket!.ReceiveAsync(new ArraySegment<byte>(new byte[64]), stop.Token);
        }

        var ponged = sockets.Where(p => p.Name.StartsWith("pong", StringComparison.Ordinal)).ToList();
        var silent = sockets.Except(ponged).ToList();
        await KonPro.Streaming.Tests.Support.Wait.UntilAsync(() => ponged.All(p => p.Count - p.Baseline >= 3));

        silent.Should().OnlyContain(p => p.Count == p.Baseline, "a silent connection's socket hears nothing after its handshake");
        await stop.CancelAsync();
        foreach (var probe in sockets)
        {
            await probe.Receive!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            probe.Socket!.Dispose();
        }
    }

    private static Uri ChatUri(SilentWebSocketServer server, string name) =>
        new(new Uri(server.BaseUri.ToString().Replace("http", "ws", StringComparison.Ordinal)), $"/v1/ws/streaming.chat/{name}");

    private sealed class Probe(string name)
    {
        private int _count;

        public string Name { get; } = name;

        public int Count => Volatile.Read(ref _count);

        public int Baseline { get; set; }

        public WebSocket? Socket { get; set; }

        public Task? Receive { get; set; }

        public void Heard() => Interlocked.Increment(ref _count);
    }
}
