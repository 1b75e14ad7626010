using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// The .NET shape beside the web SDK's (docs/adr/0014): an endpoint <see cref="Uri"/> and a <see cref="KonProCredential"/>
/// make the same clients as a <see cref="StreamingAvatarApiConfig"/>, over the wire against the fake.
/// </summary>
public sealed class CredentialConstructorTests
{
    [Fact]
    public async Task An_endpoint_and_credentials_run_a_session_with_the_token_and_call_the_admin_endpoints_with_the_key()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });
        var endpoint = new Uri(server.Url);

        using var admin = new KonProAdminClient(endpoint, KonProCredential.FromApiKey(server.ApiKey));
        var token = await admin.CreateTokenAsync();
        await using var avatar = new StreamingAvatar(endpoint, KonProCredential.FromSessionToken(token));
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await avatar.StopAvatarAsync();

        session.SessionId.Should().NotBeNullOrEmpty();
        var calls = server.Journal.RestCalls;
        calls.Should().ContainSingle(c => c.OperationId == KonProOperationIds.CreateToken && c.Status == 200);
        calls.Should().Contain(c => c.OperationId == KonProOperationIds.StartSession && c.Status == 200);
        calls.Should().Contain(c => c.OperationId == KonProOperationIds.StopSession && c.Status == 200);
    }

    [Fact]
    public void A_credential_never_shows_its_secret_and_refuses_an_empty_one()
    {
        KonProCredential.FromApiKey("sk-live-secret").ToString().Should().NotContain("sk-live-secret").And.Contain("ApiKey");
        KonProCredential.FromSessionToken("tok-secret").ToString().Should().NotContain("tok-secret").And.Contain("SessionToken");
        FluentActions.Invoking(() => KonProCredential.FromApiKey(" ")).Should().Throw<ArgumentException>().WithParameterName("apiKey");
        FluentActions.Invoking(() => KonProCredential.FromSessionToken(null!)).Should().Throw<ArgumentNullException>().WithParameterName("token");
    }

    [Fact]
    public void The_admin_client_refuses_a_session_token_and_both_refuse_a_relative_endpoint_before_any_call()
    {
        FluentActions.Invoking(() => new KonProAdminClient(new Uri("http://127.0.0.1:1"), KonProCredential.FromSessionToken("tok")))
            .Should().Throw<ArgumentException>().WithParameterName("config");
        FluentActions.Invoking(() => new StreamingAvatar(new Uri("/v1", UriKind.Relative), KonProCredential.FromSessionToken("tok")))
            .Should().Throw<ArgumentException>().WithParameterName("value");
        FluentActions.Invoking(() => new StreamingAvatar(new Uri("http://127.0.0.1:1"), null!))
            .Should().Throw<ArgumentNullException>().WithParameterName("credential");
    }
}
