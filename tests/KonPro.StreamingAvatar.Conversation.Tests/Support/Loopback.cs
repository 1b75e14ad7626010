using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Conversation.Tests.Support;

/// <summary>One fake KonPro server per test on a free loopback port, and the avatars made against it.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    /// <summary>Long enough to only bound a wait on a loaded machine, never to measure speed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<IAsyncDisposable> _owned = [];

    private Loopback(KonProFakeServer server) => Server = server;

    public KonProFakeServer Server { get; }

    public HttpClient Http { get; } = new();

    /// <summary>A fake at the given time scale whose sessions outlive a slow, loaded machine (an hour of model time).</summary>
    public static async Task<Loopback> StartAsync(double timeScale = 0.02) =>
        new(await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = timeScale, SessionDurationLimit = TimeSpan.FromHours(1) }));

    public async Task<StreamingAvatar> StartAvatarAsync(StreamingAvatarOptions? options = null)
    {
        var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = await Server.CreateSessionTokenAsync(), BasePath = Server.Url }, Http, options);
        _owned.Add(avatar);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        return avatar;
    }

    public T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Insert(0, disposable);
        return disposable;
    }

    /// <summary>The texts of the tasks the fake was sent, in order.</summary>
    public List<string> TaskTexts() =>
        [.. Server.Journal.RestCalls.Where(c => c.OperationId == KonProOperationIds.SendTask)
            .Select(c => System.Text.Json.JsonDocument.Parse(c.RequestBody!).RootElement.GetProperty("text").GetString()!)];

    public int Calls(string operationId) => Server.Journal.RestCalls.Count(c => c.OperationId == operationId);

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
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await Server.DisposeAsync();
        Http.Dispose();
    }
}
