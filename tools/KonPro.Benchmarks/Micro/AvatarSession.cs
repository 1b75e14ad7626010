using System.Net.Http.Headers;
using System.Text;
using KonPro.Streaming;
using KonPro.Streaming.Testing;

namespace KonPro.Benchmarks.Micro;

/// <summary>An in-process fake server with one started SDK session, and a raw HTTP path to the same session.</summary>
internal sealed class AvatarSession : IAsyncDisposable
{
    private AvatarSession(KonProFakeServer server, HttpClient http, StreamingAvatar avatar, string token)
    {
        Server = server;
        Http = http;
        Avatar = avatar;
        Token = token;
    }

    public KonProFakeServer Server { get; }

    /// <summary>The one HttpClient both the SDK and the raw baseline use.</summary>
    public HttpClient Http { get; }

    public StreamingAvatar Avatar { get; }

    public string Token { get; }

    public string SessionId => Avatar.SessionId!;

    public static async Task<AvatarSession> StartAsync(double timeScale = 0.01)
    {
        var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = timeScale, MaxRequestLogCount = 100, SessionDurationLimit = TimeSpan.FromDays(1) });
        var http = new HttpClient();
        var token = await server.CreateSessionTokenAsync();
        var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = server.Url }, http);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        return new AvatarSession(server, http, avatar, token);
    }

    /// <summary>The raw floor: a POST of a pre-serialized body with the same credential.</summary>
    public RawCall CreateRawCall(string route, string jsonBody) => new(Http, new Uri(Server.Url + route), Encoding.UTF8.GetBytes(jsonBody), Token);

    public async ValueTask DisposeAsync()
    {
        await Avatar.DisposeAsync();
        Http.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>One pre-built raw request.</summary>
    internal sealed class RawCall(HttpClient http, Uri uri, byte[] body, string token)
    {
        private readonly AuthenticationHeaderValue _authorization = new("Bearer", token);
        private readonly MediaTypeHeaderValue _json = new("application/json");

        public async Task<int> SendAsync()
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = _json;
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            request.Headers.Authorization = _authorization;
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return bytes.Length;
        }
    }
}
