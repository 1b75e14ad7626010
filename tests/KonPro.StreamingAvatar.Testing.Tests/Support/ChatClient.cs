using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf;
using KonPro.Streaming.Api.Frames;

namespace KonPro.Streaming.Testing.Tests.Support;

/// <summary>A real ClientWebSocket on the fake's chat socket that collects every event it receives.</summary>
internal sealed class ChatClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _all = [];
    private readonly List<string> _raw = [];
    private readonly TaskCompletionSource<(WebSocketCloseStatus? Status, string? Reason, bool Aborted)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receive;

    public IReadOnlyList<string> RawMessages
    {
        get
        {
            lock (_raw)
            {
                return [.. _raw];
            }
        }
    }

    public int FramesReceived { get; private set; }

    public Task<(WebSocketCloseStatus? Status, string? Reason, bool Aborted)> Closed => _closed.Task;

    /// <summary>Connects to the server's chat socket (over TLS, trusting the server's certificate and nothing else).</summary>
    public static Task<ChatClient> ConnectAsync(KonProFakeServer server, string? sessionId, string? token, string extraQuery = "") =>
        ConnectAsync(
            new Uri($"{server.ChatUrl}?session_id={Uri.EscapeDataString(sessionId ?? string.Empty)}&session_token={Uri.EscapeDataString(token ?? string.Empty)}{extraQuery}"),
            server.Certificate is { } certificate ? KonPro.Streaming.TestSupport.CertificateTrust.Only(certificate) : null);

    public static async Task<ChatClient> ConnectAsync(Uri uri, System.Net.Security.RemoteCertificateValidationCallback? trust = null)
    {
        var client = new ChatClient();
        client._socket.Options.RemoteCertificateValidationCallback = trust;
        using var cts = new CancellationTokenSource(Wait);
        await client._socket.ConnectAsync(uri, cts.Token);
        client._receive = Task.Run(client.ReceiveAsync);
        return client;
    }

    public Task SendFrameAsync(Frame frame) =>
        _socket.SendAsync(frame.ToByteArray(), WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task SendBytesAsync(byte[] bytes, bool endOfMessage = true) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage, CancellationToken.None);

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendTypedAsync(string text) => SendFrameAsync(new Frame { Text = new TextFrame { Id = 1, Name = "text", Text = text } });

    public Task SendAudioAsync(byte[] pcm) =>
        SendFrameAsync(new Frame { Audio = new AudioRawFrame { Id = 2, Name = "audio", Audio = ByteString.CopyFrom(pcm), SampleRate = 16000, NumChannels = 1 } });

    /// <summary>Waits for the next event that matches; earlier non-matching events are kept in <see cref="All"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait);
        while (true)
        {
            var next = await _events.Reader.ReadAsync(cts.Token);
            if (match(next))
            {
                return next;
            }
        }
    }

    public Task<JsonElement> WaitForAsync(string eventType, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.GetProperty("event_type").GetString() == eventType, timeout);

    public IReadOnlyList<JsonElement> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public IReadOnlyList<string> EventTypes => [.. All.Select(e => e.GetProperty("event_type").GetString()!)];

    public async Task<(WebSocketCloseStatus? Status, string? Reason, bool Aborted)> WaitClosedAsync() =>
        await Closed.WaitAsync(Wait);

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(Wait);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
            if (_receive is not null)
            {
                await _receive.WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // best effort
        }

        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                FramesReceived++;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult((result.CloseStatus, result.CloseStatusDescription, false));
                    _events.Writer.TryComplete();
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(message.ToArray());
                message.SetLength(0);
                lock (_raw)
                {
                    _raw.Add(text);
                }

                try
                {
                    using var document = JsonDocument.Parse(text);
                    var element = document.RootElement.Clone();
                    lock (_all)
                    {
                        _all.Add(element);
                    }

                    _events.Writer.TryWrite(element);
                }
                catch (JsonException)
                {
                    // malformed events are kept in RawMessages only
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult((null, null, true));
            _events.Writer.TryComplete();
        }
    }
}
