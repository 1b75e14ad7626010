using KonPro.Streaming.Testing;
using Microsoft.Extensions.Configuration;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// <see cref="StreamingAvatarApiConfig.Endpoint"/> is <see cref="StreamingAvatarApiConfig.BasePath"/> as a
/// <see cref="Uri"/> (docs/adr/0014): one setting under the web SDK's name and the .NET one.
/// </summary>
public sealed class ApiConfigEndpointTests
{
    [Fact]
    public void Endpoint_and_BasePath_are_one_setting()
    {
        var config = new StreamingAvatarApiConfig();
        config.Endpoint.Should().Be(new Uri(StreamingAvatarApiConfig.DefaultBasePath));

        config.Endpoint = new Uri("http://127.0.0.1:5080/");
        config.BasePath.Should().Be("http://127.0.0.1:5080");

        config.BasePath = "https://example.konpro.test/api";
        config.Endpoint.Should().Be(new Uri("https://example.konpro.test/api"));

        config.BasePath = "not a url";
        config.Endpoint.Should().BeNull();
        FluentActions.Invoking(() => config.Endpoint = new Uri("/v1", UriKind.Relative)).Should().Throw<ArgumentException>().WithParameterName("value");
        FluentActions.Invoking(() => config.Endpoint = null).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task An_endpoint_from_configuration_is_where_the_calls_go()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02 });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KonPro:Endpoint"] = server.Url, ["KonPro:ApiKey"] = server.ApiKey })
            .Build();
        var config = configuration.GetSection("KonPro").Get<StreamingAvatarApiConfig>()!;

        config.BasePath.Should().Be(server.Url.TrimEnd('/'));
        using var admin = new KonProAdminClient(config, httpClient: null);
        var token = await admin.CreateTokenAsync();

        token.Should().NotBeNullOrEmpty();
        server.Journal.RestCalls.Should().ContainSingle(c => c.OperationId == KonProOperationIds.CreateToken && c.Status == 200);
    }
}
