namespace KonPro.StreamingAvatar.Tests.Protocol;

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
        await using (var wire = await FakeWire.StartAsync())
        {
            var (token, sessionId) = await wire.NewSessionAsync();
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

            // activity_idle_timeout's minimum, 30 s, is 0.6 s at the fake's time scale.
            var (idleToken, idleSession) = await wire.NewSessionAsync(new { activity_idle_timeout = 30 });
            await using (var idle = await wire.ConnectAsync(wire.ChatUri(idleSession, idleToken), idleSession))
            {
                SessionEnds["idle timeout"] = await idle.Closed.WaitAsync(FakeWire.Patience);
            }

            var (lastToken, lastSession) = await wire.NewSessionAsync();
            var open = await wire.ConnectAsync(wire.ChatUri(lastSession, lastToken), lastSession);
            await using (open)
            {
                await wire.Server.DisposeAsync();
                ServerShutdown = await open.Closed.WaitAsync(FakeWire.Patience);
            }
        }

        await using (var limited = await FakeWire.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromSeconds(30)))
        {
            var (token, sessionId) = await limited.NewSessionAsync();
            await using var socket = await limited.ConnectAsync(limited.ChatUri(sessionId, token), sessionId);
            SessionEnds["duration limit"] = await socket.Closed.WaitAsync(FakeWire.Patience);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
