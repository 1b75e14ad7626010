using KonPro.StreamingAvatar.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KonPro.StreamingAvatar.Tests.DependencyInjection;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task Registers_a_factory_and_an_admin_client_on_the_named_http_client()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        var handlerCalls = 0;
        services.AddKonProStreamingAvatar(o =>
            {
                o.BasePath = scope.Server.Url;
                o.ApiKey = scope.Server.ApiKey;
            })
            .AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref handlerCalls)));
        await using var provider = services.BuildServiceProvider();

        var admin = provider.GetRequiredService<KonProAdminClient>();
        var token = await admin.CreateTokenAsync();
        await using var avatar = provider.GetRequiredService<IStreamingAvatarFactory>().Create(token);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        avatar.CurrentState.Should().Be(SessionState.Connected);
        handlerCalls.Should().BeGreaterThanOrEqualTo(3, "create_token, new and start went through the named client's pipeline");
        scope.Calls(Testing.KonProOperationIds.NewSession).Single().Credential.Should().Be(Testing.CredentialKind.SessionToken);
    }

    [Fact]
    public void Options_without_a_credential_fail_validation()
    {
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(o => o.BasePath = "http://127.0.0.1:1");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<KonProStreamingAvatarOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*ApiKey*");
    }

    private sealed class CountingHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
