using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// Drives a fake server the way any client would: raw REST calls over HttpClient and a raw ClientWebSocket, on
/// loopback. Nothing of the SDK is involved, so what it observes is the fake's own wire behaviour.
/// </summary>
internal sealed class FakeWire : IAsyncDisposable
{
    /// <summary>Only bounds waits on a loaded machine; never measures speed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly HttpClient _http;

    private FakeWire(KonProFakeServer server)
    {
        Server = server;
        _http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = Patience };
    }

    public KonProFakeServer Server { get; }

    public static async Task<FakeWire> StartAsync(Action<KonProFakeServerOptions>? configure = null)
    {
        var options = new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        return new FakeWire(await KonProFakeServer.StartAsync(options));
    }

    /// <summary>create_token, new (with the given body) and, unless told otherwise, start.</summary>
    public async Task<(string Token, string SessionId)> NewSessionAsync(object? body = null, bool start = true)
    {
        var token = await Server.CreateSessionTokenAsync();
        var created = await PostAsync(token, "/v1/streaming/new", body ?? new { });
        var sessionId = created.GetProperty("data").GetProperty("session_id").GetString()!;
        if (start)
        {
            await PostAsync(token, "/v1/streaming/start", new { session_id = sessionId });
        }

        return (token, sessionId);
    }

    public async Task<JsonElement> PostAsync(string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public Uri ChatUri(string sessionId, string token, bool silenceResponse = false) =>
        new($"{Server.ChatUrl}?{ChatProtocol.SessionIdParameter}={Uri.EscapeDataString(sessionId)}"
            + $"&{ChatProtocol.SessionTokenParameter}={Uri.EscapeDataString(token)}"
            + $"&{ChatProtocol.SilenceResponseParameter}={(silenceResponse ? "true" : "false")}"
            + $"&{ChatProtocol.PushToTalkParameter}=false");

    /// <summary>Opens a chat socket and, for a session the fake accepts, waits until the fake has bound it.</summary>
    public async Task<ChatListener> ConnectAsync(Uri uri, string? boundSessionId = null)
    {
        var listener = await ChatListener.ConnectAsync(uri);
        if (boundSessionId is not null)
        {
            await UntilAsync(() => Server.GetSession(boundSessionId)?.OpenSockets == 1);
        }

        return listener;
    }

    public static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>One raw socket (chat or realtime): records every text message and how the server closed it.</summary>
internal sealed class ChatListener : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<string> _messages = [];
    private readonly TaskCompletionSource<(int? Status, string? Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;

    private ChatListener()
    {
    }

    /// <summary>The close status and reason the server sent (a null status when the connection just ended).</summary>
    public Task<(int? Status, string? Reason)> Closed => _closed.Task;

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public static async Task<ChatListener> ConnectAsync(Uri uri)
    {
        var listener = new ChatListener();
        using var timeout = new CancellationTokenSource(FakeWire.Patience);
        await listener._socket.ConnectAsync(uri, timeout.Token);
        listener._receiving = Task.Run(listener.ReceiveAsync);
        return listener;
    }

    public Task SendBinaryAsync(byte[] frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(((int?)result.CloseStatus, result.CloseStatusDescription));
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        // The server closed first: answer it (when we closed first, this was our close's answer).
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        lock (_messages)
                        {
                            _messages.Add(Encoding.UTF8.GetString(message.ToArray()));
                        }
                    }

                    message.SetLength(0);
                }
            }
        }
        catch (WebSocketException)
        {
            _closed.TrySetResult((null, null));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            // Sends our close and lets the receive loop read the server's answer (a second reader would race it). A server
            // that drops the connection instead of answering has still closed it: disposal is not what a test checks.
            using var timeout = new CancellationTokenSource(FakeWire.Patience);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                await _closed.Task.WaitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Dropped or unanswered: aborted below.
            }
        }

        _socket.Abort();
        await _receiving.WaitAsync(FakeWire.Patience).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
