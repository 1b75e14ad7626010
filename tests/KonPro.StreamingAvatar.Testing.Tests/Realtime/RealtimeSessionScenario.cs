using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Realtime;

/// <summary>
/// The setup the fake's realtime socket tests share: a fake on a free loopback port, a raw API client of it, a session
/// (started or not), and a raw client on the session's realtime endpoint. Disposing it disposes the realtime clients,
/// then the API client and the server.
/// </summary>
internal sealed class RealtimeSessionScenario : IAsyncDisposable
{
    private readonly List<RealtimeClient> _clients = [];
    private RealtimeClient? _client;

    private RealtimeSessionScenario(KonProFakeServer server, ApiClient api)
    {
        Server = server;
        Api = api;
    }

    public KonProFakeServer Server { get; }

    public ApiClient Api { get; }

    public string Token { get; private set; } = "";

    public string SessionId { get; private set; } = "";

    /// <summary>The session's realtime endpoint (the URL is the credential).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The client <see cref="StartAsync"/> connected; started with <c>connect: false</c>, there is none.</summary>
    public RealtimeClient Client => _client ?? throw new InvalidOperationException("The scenario was started with connect: false; call ConnectAsync.");

    /// <param name="fake">Changes to the fake's options (its time scale, say).</param>
    /// <param name="start">Starts the session (<c>start</c>) as well as creating it (<c>new</c>).</param>
    /// <param name="connect">
    /// Connects <see cref="Client"/> to the endpoint and, when the session was started, waits until the client is told
    /// the session is connected.
    /// </param>
    public static async Task<RealtimeSessionScenario> StartAsync(Action<KonProFakeServerOptions>? fake = null, bool start = true, bool connect = true)
    {
        var server = await Servers.StartAsync(fake);
        var scenario = new RealtimeSessionScenario(server, new ApiClient(server));
        try
        {
            (scenario.Token, scenario.SessionId, scenario.Endpoint) = await scenario.NewSessionAsync(start);
            if (connect)
            {
                scenario._client = await scenario.ConnectAsync();
                if (start)
                {
                    await scenario._client.NextAsync("session.state_updated", m => m["state"]?.GetValue<string>() == "connected");
                }
            }

            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>create_token, new (with the longest idle timeout) and, when <paramref name="start"/>, start: another session of this server.</summary>
    public async Task<(string Token, string SessionId, string Endpoint)> NewSessionAsync(bool start = true)
    {
        var token = await Api.CreateTokenAsync();
        var created = await Api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        var data = created.Body.GetProperty("data");
        var sessionId = data.GetProperty("session_id").GetString()!;
        if (start)
        {
            (await Api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        }

        return (token, sessionId, data.GetProperty("realtime_endpoint").GetString()!);
    }

    /// <summary>A new raw client on <see cref="Endpoint"/>, disposed with the scenario.</summary>
    public async Task<RealtimeClient> ConnectAsync()
    {
        var client = await RealtimeClient.ConnectAsync(Endpoint);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _clients.Count - 1; i >= 0; i--)
        {
            await _clients[i].DisposeAsync();
        }

        Api.Dispose();
        await Server.DisposeAsync();
    }
}
