using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace KonPro.Streaming.Testing.Tests.Support;

/// <summary>A raw client of the fake's realtime socket: sends JSON text, records every message it receives.</summary>
internal sealed class RealtimeClient : IAsyncDisposable
{
    /// <summary>Long enough to only bound a wait on a loaded machine, never to measure speed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonNode> _incoming = Channel.CreateUnbounded<JsonNode>();
    private readonly TaskCompletionSource<int> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<JsonNode> _seen = [];
    private readonly Task _receive;

    private RealtimeClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receive = ReceiveAsync();
    }

    public List<JsonNode> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public Task<int> Closed => _closed.Task;

    public static async Task<RealtimeClient> ConnectAsync(string endpoint)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(endpoint), CancellationToken.None);
        return new RealtimeClient(socket);
    }

    public Task SendAsync(object message) => SendRawAsync(JsonSerializer.Serialize(message));

    public Task SendRawAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message of a type (matching a condition), skipping others; all are kept in <see cref="Seen"/>.</summary>
    public async Task<JsonNode> NextAsync(string type, Func<JsonNode, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var message = await _incoming.Reader.ReadAsync(timeout.Token);
            if (message["type"]?.GetValue<string>() == type && (match is null || match(message)))
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        await _receive;
        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var text = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    text.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult((int)_socket.CloseStatus!);
                    return;
                }

                var node = JsonNode.Parse(text.ToArray())!;
                lock (_seen)
                {
                    _seen.Add(node);
                }

                await _incoming.Writer.WriteAsync(node);
            }
        }
        catch (WebSocketException)
        {
            _closed.TrySetResult(-1);
        }
    }
}
