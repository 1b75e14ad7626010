using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>Creates and drives sessions on a fake server over its REST API, for chat socket integration tests.</summary>
internal sealed class FakeSessions(KonProFakeServer server, ChatSocketBindings bindings) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(server.Url), Timeout = TestTimeouts.Wait };

    public KonProFakeServer Server { get; } = server;

    public static async Task<(KonProFakeServer Server, FakeSessions Sessions)> StartAsync(double timeScale = 0.02)
    {
        var bindings = new ChatSocketBindings();
        var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = timeScale, LoggerFactory = bindings });
        return (server, new FakeSessions(server, bindings));
    }

    /// <summary>create_token, new and start; returns the token and session id.</summary>
    public async Task<(string Token, string SessionId)> NewStartedSessionAsync()
    {
        var token = await Server.CreateSessionTokenAsync();
        var created = await PostAsync(token, "/v1/streaming/new", new { });
        var sessionId = created.GetProperty("data").GetProperty("session_id").GetString()!;
        await PostAsync(token, "/v1/streaming/start", new { session_id = sessionId });
        return (token, sessionId);
    }

    /// <summary>
    /// Waits until the fake has bound the <paramref name="binding"/>-th chat socket of the session (1 for the first
    /// connection, 2 after one reconnect) and still lists a socket on it. The client sees its socket open a
    /// moment before the fake binds it, and events, stops and faults reach bound sockets only. The timeout only
    /// bounds the wait.
    /// </summary>
    public async Task WaitForChatSocketAsync(string sessionId, int binding = 1)
    {
        await bindings.WaitAsync(sessionId, binding, TestTimeouts.Wait);
        Server.GetSession(sessionId)!.OpenSockets.Should().BeGreaterThan(0, "the socket the fake bound is still attached");
    }

    public Task<JsonElement> SpeakAsync(string token, string sessionId, string text) =>
        PostAsync(token, "/v1/streaming/task", new { session_id = sessionId, text, task_type = "repeat", task_mode = "async" });

    public Task<JsonElement> StopAsync(string token, string sessionId) =>
        PostAsync(token, "/v1/streaming/stop", new { session_id = sessionId });

    public ChatSocketOptions Options(string token, string sessionId, ReconnectPolicy? policy = null) => new()
    {
        BaseUri = new Uri(Server.Url),
        SessionId = sessionId,
        SessionToken = token,
        ReconnectPolicy = policy,
    };

    private async Task<JsonElement> PostAsync(string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
