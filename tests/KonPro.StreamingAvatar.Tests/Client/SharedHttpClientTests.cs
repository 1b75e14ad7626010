using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Client;

/// <summary>One HttpClient per process is the rule; the credential of each client must stay on its own requests.</summary>
public sealed class SharedHttpClientTests
{
    [Fact]
    public async Task Two_avatars_with_different_tokens_share_one_HttpClient_without_touching_its_default_headers()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });
        using var http = new HttpClient();
        await using var first = new StreamingAvatar(
            new StreamingAvatarApiConfig { Token = await server.CreateSessionTokenAsync(), BasePath = server.Url }, http);
        await using var second = new StreamingAvatar(
            new StreamingAvatarApiConfig { Token = await server.CreateSessionTokenAsync(), BasePath = server.Url }, http);

        await first.CreateStartAvatarAsync(new StartAvatarRequest());
        await second.CreateStartAvatarAsync(new StartAvatarRequest());
        await first.KeepAliveAsync();
        await second.KeepAliveAsync();

        http.DefaultRequestHeaders.Should().BeEmpty();
        first.SessionId.Should().NotBe(second.SessionId);
        server.Journal.RestCalls.Where(c => c.OperationId == KonProOperationIds.KeepAlive)
            .Should().HaveCount(2).And.OnlyContain(c => c.Status == 200 && c.Credential == CredentialKind.SessionToken);
    }
}
