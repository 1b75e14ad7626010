using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KonPro.Streaming.Tests.DependencyInjection;

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
    public async Task Binds_the_endpoint_credential_and_options_from_a_configuration_section()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KonPro:BasePath"] = scope.Server.Url,
                ["KonPro:ApiKey"] = scope.Server.ApiKey,
                ["KonPro:AutoKeepAlive"] = "true",
                ["KonPro:KeepAliveInterval"] = "00:00:42",
                ["KonPro:StreamReadyTimeout"] = "00:00:07",
                ["KonPro:ReconnectPolicy:MaxAttempts"] = "3",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(configuration.GetSection("KonPro"));
        await using var provider = services.BuildServiceProvider();

        var config = provider.GetRequiredService<IOptions<StreamingAvatarApiConfig>>().Value;
        var options = provider.GetRequiredService<IOptions<StreamingAvatarOptions>>().Value;
        config.BasePath.Should().Be(scope.Server.Url);
        options.AutoKeepAlive.Should().BeTrue();
        options.KeepAliveInterval.Should().Be(TimeSpan.FromSeconds(42));
        options.StreamReadyTimeout.Should().Be(TimeSpan.FromSeconds(7));
        options.ReconnectPolicy!.MaxAttempts.Should().Be(3);

        var token = await provider.GetRequiredService<KonProAdminClient>().CreateTokenAsync();
        await using var avatar = provider.GetRequiredService<IStreamingAvatarFactory>().Create(token);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public void Binds_the_retry_settings_the_README_names_from_the_Retry_keys()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KonPro:ApiKey"] = "key",
                ["KonPro:Retry:Enabled"] = "true",
                ["KonPro:Retry:MaxRetries"] = "5",
                ["KonPro:Retry:BaseDelay"] = "00:00:00.250",
                ["KonPro:Retry:MaxDelay"] = "00:00:04",
                ["KonPro:Retry:MaxRetryAfter"] = "00:00:12",
                ["KonPro:Retry:AttemptTimeout"] = "00:00:20",
                ["KonPro:Retry:TotalTimeout"] = "00:01:00",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(configuration.GetSection("KonPro"));
        using var provider = services.BuildServiceProvider();

        var retry = provider.GetRequiredService<IOptions<StreamingAvatarOptions>>().Value.Retry;

        retry.Enabled.Should().BeTrue();
        retry.MaxRetries.Should().Be(5);
        retry.BaseDelay.Should().Be(TimeSpan.FromMilliseconds(250));
        retry.MaxDelay.Should().Be(TimeSpan.FromSeconds(4));
        retry.MaxRetryAfter.Should().Be(TimeSpan.FromSeconds(12));
        retry.AttemptTimeout.Should().Be(TimeSpan.FromSeconds(20));
        retry.TotalTimeout.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Options_without_a_credential_fail_with_the_constructors_rule()
    {
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(o => o.BasePath = "http://127.0.0.1:1");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<StreamingAvatarApiConfig>>().Value;
        var constructor = () => new StreamingAvatar(new StreamingAvatarApiConfig { BasePath = "http://127.0.0.1:1" });

        var message = constructor.Should().Throw<ArgumentException>().Which.Message.Split(" (Parameter")[0];
        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void A_configuration_without_a_credential_fails_naming_the_section_it_was_bound_from()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Avatars:KonPro:BasePath"] = "http://127.0.0.1:1" })
            .Build();
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(configuration.GetSection("Avatars:KonPro"));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<StreamingAvatarApiConfig>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Configuration section 'Avatars:KonPro'").And.Contain("Avatars:KonPro:ApiKey");
    }

    [Fact]
    public void A_base_path_that_is_not_http_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(o => { o.BasePath = "ftp://example"; o.ApiKey = "k"; });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStreamingAvatarFactory>().Create();

        act.Should().Throw<OptionsValidationException>().WithMessage("*BasePath*");
    }

    [Fact]
    public async Task The_admin_client_is_one_instance_owned_and_disposed_by_the_container()
    {
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(o => { o.BasePath = "http://127.0.0.1:1"; o.ApiKey = "k"; });
        var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<KonProAdminClient>();
        var second = provider.GetRequiredService<KonProAdminClient>();
        provider.Dispose();

        second.Should().BeSameAs(first);
        var afterDispose = () => first.CreateTokenAsync();
        await afterDispose.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void The_admin_client_refuses_a_session_token_configuration_with_a_clear_message()
    {
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(o => { o.BasePath = "http://127.0.0.1:1"; o.Token = "t"; });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<KonProAdminClient>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*ApiKey*").And.Message.Should().NotContain("\"t\"");
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
