using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Sessions;

public sealed class SessionLifecycleTests
{
    [Fact]
    public async Task New_start_calls_stop_walks_the_lifecycle()
    {
        await using var server = await Servers.StartAsync(o => o.LiveKitUrl = "wss://rooms.example.test");
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var bearer = Credential.Bearer(token);

        var created = await api.PostAsync("/v1/streaming/new", new { avatar_id = "anna-office", quality = "high", unknown_field = 1 }, bearer);
        created.Status.Should().Be(HttpStatusCode.OK);
        created.Body.GetProperty("code").GetInt32().Should().Be(100);
        var data = created.Data;
        var sessionId = data.GetProperty("session_id").GetString()!;
        data.GetProperty("session_duration_limit").GetInt32().Should().Be(3600);
        data.GetProperty("realtime_endpoint").GetString().Should().StartWith(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws/streaming.realtime/");
        data.GetProperty("url").GetString().Should().Be("wss://rooms.example.test");
        data.GetProperty("access_token").GetString().Should().NotBeNullOrEmpty();
        data.GetProperty("livekit_agent_token").GetString().Should().StartWith("lk_agent_").And.NotBe(data.GetProperty("access_token").GetString());
        foreach (var legacy in new[] { "sdp", "ice_servers", "ice_servers2" })
        {
            data.GetProperty(legacy).ValueKind.Should().Be(JsonValueKind.Null, legacy);
        }
        server.GetSession(sessionId)!.Status.Should().Be(Api.SessionStatus.New);

        foreach (var op in new[] { "start", "start_listening", "keep_alive", "stop_listening", "interrupt" })
        {
            var answer = await api.PostAsync($"/v1/streaming/{op}", new { session_id = sessionId }, bearer);
            answer.Status.Should().Be(HttpStatusCode.OK, op);
            answer.Data.GetProperty("status").GetString().Should().Be("success");
        }

        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, bearer)).Data.GetProperty("status").GetString().Should().Be("success");
        server.GetSession(sessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
        server.GetSession(sessionId)!.CloseReason.Should().Be("session_stopped");
    }

    [Fact]
    public async Task The_api_key_can_drive_a_session_too()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var created = await api.PostAsync("/v1/streaming/new", new { });
        var sessionId = created.Data.GetProperty("session_id").GetString();

        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId })).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("task")]
    [InlineData("interrupt")]
    [InlineData("start_listening")]
    [InlineData("stop_listening")]
    public async Task Session_calls_before_start_are_state_invalid(string op)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(start: false);

        var answer = await api.PostAsync($"/v1/streaming/{op}", new { session_id = sessionId, text = "hi" }, Credential.Bearer(token));

        answer.ShouldBeError(HttpStatusCode.BadRequest, "SESSION_STATE_INVALID");
        answer.ErrorMessage.Should().Be("session state wrong: new");
    }

    [Fact]
    public async Task Starting_twice_is_state_invalid()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token)))
            .ShouldBeError(HttpStatusCode.BadRequest, "SESSION_STATE_INVALID");
    }

    [Theory]
    [InlineData("start")]
    [InlineData("task")]
    [InlineData("interrupt")]
    [InlineData("start_listening")]
    [InlineData("stop_listening")]
    [InlineData("keep_alive")]
    public async Task Calls_after_stop_are_state_invalid_closed(string op)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token));

        var answer = await api.PostAsync($"/v1/streaming/{op}", new { session_id = sessionId, text = "hi" }, Credential.Bearer(token));

        answer.ShouldBeError(HttpStatusCode.BadRequest, "SESSION_STATE_INVALID");
        answer.ErrorMessage.Should().Be("session state wrong: closed");
    }

    [Fact]
    public async Task Stop_is_idempotent()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token));
        var again = await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token));

        again.Status.Should().Be(HttpStatusCode.OK);
        again.Data.GetProperty("status").GetString().Should().Be("success");
    }

    [Theory]
    [InlineData("start")]
    [InlineData("task")]
    [InlineData("stop")]
    [InlineData("keep_alive")]
    public async Task An_unknown_session_is_404(string op)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        (await api.PostAsync($"/v1/streaming/{op}", new { session_id = "nope", text = "hi" })).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_avatar_and_knowledge_base_are_404()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        (await api.PostAsync("/v1/streaming/new", new { avatar_id = "ghost" })).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        (await api.PostAsync("/v1/streaming/new", new { avatar_name = "ghost" })).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        (await api.PostAsync("/v1/streaming/new", new { knowledge_base_id = "kb-ghost" })).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task The_idle_timeout_closes_the_socket_4001_and_later_calls_are_state_invalid()
    {
        await using var server = await Servers.StartAsync(o => o.TimeScale = 0.01); // 200 s idle = 2 s, time to connect
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { activity_idle_timeout = 200 });
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        var closed = await chat.WaitClosedAsync();

        ((int?)closed.Status).Should().Be(4001);
        closed.Reason.Should().Be("idle_timeout");
        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "late" }, Credential.Bearer(token)))
            .ShouldBeError(HttpStatusCode.BadRequest, "SESSION_STATE_INVALID");
    }

    [Fact]
    public async Task The_duration_limit_closes_the_socket_4002()
    {
        await using var server = await Servers.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromSeconds(100)); // 2 s, time to connect
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { disable_idle_timeout = true });
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        var closed = await chat.WaitClosedAsync();

        ((int?)closed.Status).Should().Be(4002);
        closed.Reason.Should().Be("duration_limit");
        (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).ErrorMessage
            .Should().Be("session state wrong: closed");
    }

    [Fact]
    public async Task The_concurrency_limit_is_429_until_a_session_stops()
    {
        await using var server = await Servers.StartAsync(o => o.MaxConcurrentSessions = 2);
        using var api = new ApiClient(server);
        var (token, first) = await api.NewSessionAsync();
        await api.NewSessionAsync();

        var refused = await api.PostAsync("/v1/streaming/new", new { });
        refused.ShouldBeError(HttpStatusCode.TooManyRequests, "CONCURRENCY_LIMIT_EXCEEDED");
        refused.ErrorMessage.Should().Be("concurrent limit reached");

        await api.PostAsync("/v1/streaming/stop", new { session_id = first }, Credential.Bearer(token));
        (await api.PostAsync("/v1/streaming/new", new { })).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_rate_limit_is_429_with_retry_after()
    {
        var clock = new ManualTimeProvider(); // the clock stands still: every request falls in one window
        await using var server = await Servers.StartAsync(o =>
        {
            o.RateLimitPerSecond = 3;
            o.TimeProvider = clock;
        });
        using var api = new ApiClient(server);

        var answers = new List<ApiAnswer>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await api.GetAsync("/v1/streaming/avatars"));
        }

        answers.Take(3).Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        answers.Skip(3).Should().OnlyContain(a => a.Status == HttpStatusCode.TooManyRequests && a.ErrorCode == "RATE_LIMIT_EXCEEDED" && a.RetryAfter == TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        (await api.GetAsync("/v1/streaming/avatars")).Status.Should().Be(HttpStatusCode.OK);
    }
}
