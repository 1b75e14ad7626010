using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>A fake server with rooms, and raw REST calls to it (for tests that drive the room connector without the facade).</summary>
internal sealed class FakeSession : IAsyncDisposable
{
    private readonly HttpClient _http;

    private FakeSession(KonProFakeServer server, string token)
    {
        Server = server;
        Token = token;
        _http = new HttpClient { BaseAddress = new Uri(server.Url) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public KonProFakeServer Server { get; }

    public string Token { get; }

    public static async Task<FakeSession> StartAsync(FakeEventDelivery delivery)
    {
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = delivery };
        options.Room.Enabled = true;
        var server = await KonProFakeServer.StartAsync(options);
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        return new FakeSession(server, await admin.CreateTokenAsync());
    }

    /// <summary>A facade on this server's session token that joins the room with LiveKit's core, as the user (or as <paramref name="role"/>).</summary>
    public StreamingAvatar NewRoomAvatar(RoomParticipantRole role = RoomParticipantRole.User) => new(
        new StreamingAvatarApiConfig { Token = Token, BasePath = Server.Url },
        httpClient: null,
        new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector(), RoomRole = role });

    public async Task<(string SessionId, string Url, string AccessToken)> NewAsync()
    {
        var data = await PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 });
        return (data.GetProperty("session_id").GetString()!, data.GetProperty("url").GetString()!, data.GetProperty("access_token").GetString()!);
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.TryGetProperty("data", out var data) ? data.Clone() : document.RootElement.Clone();
    }

    public async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}
