using System.Net;
using KonPro.Streaming.Testing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Testing.Tests.Rest;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task Create_token_issues_unique_tokens_with_the_api_key()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var first = await api.CreateTokenAsync();
        var second = await api.CreateTokenAsync();

        first.Should().NotBe(second);
        first.Should().StartWith("st_");
    }

    [Fact]
    public async Task Configured_api_keys_replace_the_default()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.ApiKeys.Clear();
            o.ApiKeys.Add("custom-key");
        });
        using var api = new ApiClient(server);

        (await api.PostAsync("/v1/streaming/create_token", new { }, Credential.Key("custom-key"))).Status.Should().Be(HttpStatusCode.OK);
        (await api.PostAsync("/v1/streaming/create_token", new { }, Credential.Key(KonProFakeServerOptions.DefaultApiKey)))
            .ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        server.ApiKey.Should().Be("custom-key");
    }

    [Fact]
    public async Task A_missing_credential_is_401_invalid_api_key()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        (await api.PostAsync("/v1/streaming/create_token", new { }, Credential.None)).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        (await api.GetAsync("/v1/streaming/avatars", Credential.None)).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task An_unknown_api_key_or_token_is_401()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        (await api.GetAsync("/v1/streaming/sessions", Credential.Key("wrong"))).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        (await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer("st_unknown"))).ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task A_token_creates_one_session_only()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, _) = await api.NewSessionAsync(start: false);

        var reused = await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(token));

        reused.ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        reused.ErrorMessage.Should().Contain("already used");
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var clock = new FakeTimeProvider();
        await using var server = await Servers.StartAsync(o =>
        {
            o.SessionTokenLifetime = TimeSpan.FromSeconds(5); // 100 ms of the clock at the tests' time scale
            o.TimeProvider = clock;
        });
        using var api = new ApiClient(server);
        var early = await api.CreateTokenAsync();
        var late = await api.CreateTokenAsync();

        clock.Advance(TimeSpan.FromMilliseconds(99));
        var inTime = await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(early));
        clock.Advance(TimeSpan.FromMilliseconds(2));
        var answer = await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(late));

        inTime.Status.Should().Be(HttpStatusCode.OK, "the token's lifetime has not passed yet");
        answer.ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        answer.ErrorMessage.Should().Contain("expired");
    }

    [Fact]
    public async Task A_token_on_another_session_is_403()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (_, first) = await api.NewSessionAsync();
        var (otherToken, _) = await api.NewSessionAsync();

        (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = first }, Credential.Bearer(otherToken)))
            .ShouldBeError(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
    }

    [Theory]
    [InlineData("POST", "/v1/streaming/create_token")]
    [InlineData("GET", "/v1/streaming/sessions")]
    [InlineData("GET", "/v1/streaming/sessions/history")]
    [InlineData("GET", "/v1/streaming/avatars")]
    [InlineData("GET", "/v1/streaming/knowledge_base/list")]
    [InlineData("POST", "/v1/streaming/knowledge_base/create")]
    [InlineData("POST", "/v1/streaming/knowledge_base/kb-support/update")]
    [InlineData("DELETE", "/v1/streaming/knowledge_base/kb-support")]
    public async Task A_token_on_an_api_key_only_endpoint_is_403(string method, string path)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();

        var answer = await api.SendAsync(new HttpMethod(method), path, method == "POST" ? "{\"name\":\"x\"}" : null, Credential.Bearer(token));

        answer.ShouldBeError(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
    }

    [Fact]
    public async Task Secrets_do_not_appear_in_ToString()
    {
        await using var server = await Servers.StartAsync();
        var token = await server.CreateSessionTokenAsync();

        server.ToString().Should().NotContain(server.ApiKey);
        new KonProFakeServerOptions().ToString().Should().NotContain(KonProFakeServerOptions.DefaultApiKey);
        using var api = new ApiClient(server);
        var issued = await api.CreateTokenAsync();
        server.Journal.RestCalls.Should().ContainSingle().Which.ToString().Should().NotContain(issued).And.Contain("createToken");
        server.Sessions.Should().BeEmpty();
        token.Should().NotBe(issued);
    }
}
