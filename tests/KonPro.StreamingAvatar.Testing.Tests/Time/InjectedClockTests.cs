using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Time;

public sealed class InjectedClockTests
{
    [Fact]
    public async Task The_idle_timeout_follows_an_injected_clock_and_keep_alive_resets_it()
    {
        var clock = new ManualTimeProvider();
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeProvider = clock });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { activity_idle_timeout = 30 });

        clock.Advance(TimeSpan.FromSeconds(29));
        (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(29));
        server.GetSession(sessionId)!.Status.Should().NotBe(Api.SessionStatus.Closed);
        clock.Advance(TimeSpan.FromSeconds(2));

        var session = server.GetSession(sessionId)!;
        session.Status.Should().Be(Api.SessionStatus.Closed);
        (session.CloseStatus, session.CloseReason).Should().Be((4001, "idle_timeout"));
    }

    [Fact]
    public async Task A_session_that_names_no_idle_timeout_takes_the_servers_default()
    {
        var clock = new ManualTimeProvider();
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeProvider = clock, DefaultActivityIdleTimeout = TimeSpan.FromSeconds(300) });
        using var api = new ApiClient(server);
        var (_, sessionId) = await api.NewSessionAsync(new { avatar_id = "default" });

        clock.Advance(TimeSpan.FromSeconds(299));
        server.GetSession(sessionId)!.Status.Should().NotBe(Api.SessionStatus.Closed, "120 s, the service's default, is not this server's");
        clock.Advance(TimeSpan.FromSeconds(2));

        server.GetSession(sessionId)!.CloseReason.Should().Be("idle_timeout");
    }

    [Theory]
    [InlineData(29)]
    [InlineData(3601)]
    public async Task A_default_idle_timeout_outside_the_apis_range_is_refused(int seconds)
    {
        var start = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { DefaultActivityIdleTimeout = TimeSpan.FromSeconds(seconds) });

        (await start.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("DefaultActivityIdleTimeout");
    }

    [Fact]
    public async Task The_history_reports_how_long_a_session_lasted()
    {
        var clock = new ManualTimeProvider();
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeProvider = clock });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        clock.Advance(TimeSpan.FromSeconds(95));
        await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token));
        clock.Advance(TimeSpan.FromSeconds(30));
        var history = await api.GetAsync("/v1/streaming/sessions/history");

        var item = history.Data[0];
        item.GetProperty("duration").GetInt64().Should().Be(95);
        item.GetProperty("status").GetString().Should().Be("closed");
        item.GetProperty("created_at").GetInt64().Should().Be(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task The_default_duration_limit_is_600_seconds()
    {
        await using var server = await KonProFakeServer.StartAsync();
        using var api = new ApiClient(server);

        var created = await api.PostAsync("/v1/streaming/new", new { });

        created.Data.GetProperty("session_duration_limit").GetInt32().Should().Be(600);
    }

    [Fact]
    public async Task The_duration_limit_and_token_lifetime_follow_an_injected_clock()
    {
        var clock = new ManualTimeProvider();
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeProvider = clock });
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { disable_idle_timeout = true });
        var unused = await api.CreateTokenAsync();

        clock.Advance(TimeSpan.FromSeconds(601));

        var session = server.GetSession(sessionId)!;
        (session.CloseStatus, session.CloseReason).Should().Be((4002, "duration_limit"));
        clock.Advance(TimeSpan.FromHours(1));
        (await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(unused))).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token))).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }
}
