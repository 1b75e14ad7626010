namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// Makes the fake close chat sockets in every way a session can end (stop, idle timeout, duration limit, a bad
/// token, an unknown session) and when the server goes away, over real sockets on loopback, and records the status
/// and reason text the client saw. Runs once for the agreement tests.
/// </summary>
public sealed class FakeCloseStatusesFixture : IAsyncLifetime
{
    /// <summary>The closes that end a session, by scenario: status and reason as the client received them.</summary>
    public Dictionary<string, (int? Status, string? Reason)> SessionEnds { get; } = [];

    /// <summary>The close the client saw when the fake server shut down.</summary>
    public (int? Status, string? Reason) ServerShutdown { get; private set; }

    /// <summary>The fake's final close statuses (those that end a session), with their reason texts.</summary>
    public IReadOnlyDictionary<int, string?> FinalStatuses =>
        SessionEnds.Values.Where(c => c.Status is not null).GroupBy(c => c.Status!.Value).ToDictionary(g => g.Key, g => g.First().Reason);

    public async Task InitializeAsync()
    {
        // Sessions here never idle out (activity_idle_timeout 3600 s is 72 s at the fake's time scale of 0.02), so
        // every close below is the one its scenario asks for, however loaded the machine.
        var noIdle = new { activity_idle_timeout = 3600 };
        await using (var wire = await FakeWire.StartAsync())
        {
            var (token, sessionId) = await wire.NewSessionAsync(noIdle);
            await using (var badToken = await wire.ConnectAsync(wire.ChatUri(sessionId, "not-a-session-token")))
            {
                SessionEnds["bad token"] = await badToken.Closed.WaitAsync(FakeWire.Patience);
            }

            await using (var unknown = await wire.ConnectAsync(wire.ChatUri("no-such-session", token)))
            {
                SessionEnds["unknown session"] = await unknown.Closed.WaitAsync(FakeWire.Patience);
            }

            await using (var stopped = await wire.ConnectAsync(wire.ChatUri(sessionId, token), sessionId))
            {
                await wire.PostAsync(token, "/v1/streaming/stop", new { session_id = sessionId });
                SessionEnds["stop"] = await stopped.Closed.WaitAsync(FakeWire.Patience);
            }

            var (lastToken, lastSession) = await wire.NewSessionAsync(noIdle);
            var open = await wire.ConnectAsync(wire.ChatUri(lastSession, lastToken), lastSession);
            await using (open)
            {
                await wire.Server.DisposeAsync();
                ServerShutdown = await open.Closed.WaitAsync(FakeWire.Patience);
            }
        }

        // The timers: a 300 s duration limit and a 150 s idle timeout are 6 s and 3 s here, long enough for the
        // socket to be bound first on a loaded machine.
        await using var timers = await FakeWire.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromSeconds(300));
        var (idleToken, idleSession) = await timers.NewSessionAsync(new { activity_idle_timeout = 150 });
        var (limitToken, limitSession) = await timers.NewSessionAsync(noIdle);
        await using var idle = await timers.ConnectAsync(timers.ChatUri(idleSession, idleToken), idleSession);
        await using var limited = await timers.ConnectAsync(timers.ChatUri(limitSession, limitToken), limitSession);
        SessionEnds["idle timeout"] = await idle.Closed.WaitAsync(FakeWire.Patience);
        SessionEnds["duration limit"] = await limited.Closed.WaitAsync(FakeWire.Patience);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
