using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Support;

/// <summary>One fake KonPro server per test (fifty times faster than real time, on a free loopback port).</summary>
internal sealed class FakeServerScope : IAsyncDisposable
{
    /// <summary>Long enough to only bound a wait on a loaded machine, never to measure speed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _owned = [];

    private FakeServerScope(KonProFakeServer server, HttpClient http)
    {
        Server = server;
        Http = http;
    }

    public KonProFakeServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<FakeServerScope> StartAsync(Action<KonProFakeServerOptions>? configure = null)
    {
        // Sessions that name no idle timeout idle out after an hour of the fake's time (72 s here), not 120 s (2.4 s here,
        // which a busy CI machine can spend between two steps of a test); tests of the idle timeout name theirs.
        var options = new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        var server = await KonProFakeServer.StartAsync(options);
        return new FakeServerScope(server, new HttpClient());
    }

    public StreamingAvatarApiConfig ApiKeyConfig() => new() { ApiKey = Server.ApiKey, BasePath = Server.Url };

    public async Task<StreamingAvatarApiConfig> TokenConfigAsync() =>
        new() { Token = await Server.CreateSessionTokenAsync(), BasePath = Server.Url };

    public async Task<StreamingAvatar> CreateAvatarAsync(StreamingAvatarOptions? options = null, bool useApiKey = false)
    {
        var config = useApiKey ? ApiKeyConfig() : await TokenConfigAsync();
        var avatar = new StreamingAvatar(config, Http, options);
        _owned.Add(avatar);
        return avatar;
    }

    public KonProAdminClient CreateAdmin() => new(ApiKeyConfig(), Http);

    /// <summary>The fake binds an accepted socket to its session a moment after the handshake; wait for that.</summary>
    public Task WaitForSocketAsync(string sessionId, int count = 1) =>
        Wait.UntilAsync(() => Server.GetSession(sessionId)?.OpenSockets == count);

    public IReadOnlyList<RestCallRecord> Calls(string operationId) =>
        [.. Server.Journal.RestCalls.Where(c => c.OperationId == operationId)];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await Server.DisposeAsync();
        Http.Dispose();
    }
}
