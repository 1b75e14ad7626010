using System.Net.WebSockets;
using System.Text;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>The server side of one test connection (in memory or on loopback): what a test server sends and receives.</summary>
internal abstract class ServerSideWebSocket(WebSocket socket)
{
    public WebSocket Socket { get; } = socket;

    public Task SendTextAsync(string json) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends one text message split into frames at the given byte offsets.</summary>
    public async Task SendFragmentedAsync(string json, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var start = 0;
        foreach (var cut in cuts)
        {
            await Socket.SendAsync(bytes.AsMemory(start, cut - start), WebSocketMessageType.Text, false, CancellationToken.None);
            start = cut;
        }

        await Socket.SendAsync(bytes.AsMemory(start), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    public Task CloseAsync(int status, string description) =>
        Socket.CloseOutputAsync((WebSocketCloseStatus)status, description, CancellationToken.None);

    /// <summary>Receives one whole message (the client's frames, or its close).</summary>
    public async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer.AsMemory(total), cts.Token);
            total += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, buffer[..total]);
            }
        }
    }
}
